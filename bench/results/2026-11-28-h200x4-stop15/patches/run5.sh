#!/usr/bin/env bash
# stop 15 final: the tests at f0ce576 on 4 H200, the jitter stress 5 more times, the dispatch table.
set -u
b=build-gpu; o=$OUT
mkdir -p $o/check $o/stress $o/bench
OUT=$o/check timeout 330 tools/issue4-check.sh $b > /dev/null 2>&1
for i in 1 2 3 4 5; do
  timeout 60 $b/tests/a2a_ll_test --gtest_filter='*JitterStress*' > $o/stress/run$i.log 2>&1
  echo "stress run $i rc $? $(grep -E '^\[  (PASSED|FAILED) ' $o/stress/run$i.log | paste -sd' ')" >> $o/stress/summary.txt
done
OUT=$o/bench PADGRAPH_BENCH_TIMEOUT_S=200 timeout 230 tools/dispatch-bench.sh $b > $o/bench/table.txt 2>&1
cat $o/check/summary.txt $o/stress/summary.txt; tail -25 $o/bench/table.txt
cd $o && tar czf final.tgz check stress bench && rm -rf check stress bench
