#!/usr/bin/env bash
# Stop 21, call 7 (one H200): the final tree: a2a_ll_test and lsa_gather_test whole (loopback
# 2 and 4 ranks run, 2-, 4- and 8-GPU instances skip), the benchmark's list and one loopback case.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for t in a2a_ll_test lsa_gather_test; do
  /usr/bin/time -f "$t wall %e s" timeout 280 build-gpu/tests/$t > $OUT/$t.log 2>&1
  echo "$t rc $?"; grep -E '^\[  (PASSED|FAILED|SKIPPED) \] [0-9]|^\[  FAILED  \] |wall' $OUT/$t.log
done
build-gpu/bench/dispatch_combine_bench --benchmark_list_tests > $OUT/bench-list.txt
echo "bench cases $(wc -l < $OUT/bench-list.txt), world 8: $(grep -c 'world:8' $OUT/bench-list.txt)"
build-gpu/bench/dispatch_combine_bench --benchmark_filter='dispatch_combine/world:8/a2a_ll/rows:1/sms:32|loopback/world:2/a2a_ll/rows:1/' --benchmark_out=$OUT/b.json --benchmark_out_format=json 2>&1 | tail -3
