#!/usr/bin/env bash
# Stop 19 run 17: a2a_ll_test's loopback teams with u1's and u1ds's kernels (correctness of the
# candidates for next stop's NVLink A/B).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT; mkdir -p $root/22-loopback-u1
for v in u1 u1ds; do
  timeout 200 build-gpu/tests/a2a_ll_test_$v --gtest_filter='*on_1gpu*' > $root/22-loopback-u1/a2a_ll_test_$v.log 2>&1
  echo "$v rc $? $(grep -E '^\[  (PASSED|FAILED)' $root/22-loopback-u1/a2a_ll_test_$v.log | tr '\n' ' ')"
done | tee $root/22-loopback-u1/summary.txt
cd $root && tar -czf run17.tgz 22-loopback-u1
