#!/usr/bin/env bash
set -u
b=build-gpu; o=$OUT; mkdir -p $o/ab $o/stress
PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=100 OUT=$o/ab timeout 200 tools/ab-bench.sh $b 'dispatch_combine/world:(2|4)/a2a_ll/rows:(1|8|32)/sms:128|dispatch_combine/world:(2|4)/a2a_ll/rows:1/sms:32' prev head 2>&1 | tail -8
for i in 1 2 3 4 5; do
  timeout 60 $b/tests/a2a_ll_test --gtest_filter='*JitterStress*' > $o/stress/run$i.log 2>&1
  echo "stress run $i rc $? $(grep -E '^\[  (PASSED|FAILED) ' $o/stress/run$i.log | paste -sd' ')" | tee -a $o/stress/summary.txt
done
timeout 100 $b/tests/line_tearing_test > $o/stress/line_tearing.log 2>&1; echo "line_tearing rc $?" | tee -a $o/stress/summary.txt
cd $o && tar czf run3.tgz ab stress && rm -rf ab stress
