#!/usr/bin/env bash
# Stop 17 run 7: rank_dedup's partial sums over the dispatch's list of first pairs: a2a_ll_test
# (stop if it fails), the jitter stress of rank_dedup 3 times, memcheck of its case, A/B against
# the build before (9d0ad15, "latency1"), the dispatch table with torch.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/test $OUT/ab $OUT/bench
timeout 150 build-gpu/tests/a2a_ll_test > $OUT/test/a2a_ll_test.log 2>&1; rc=$?; echo "a2a_ll_test rc $rc" > $OUT/test/summary.txt
grep -E '^\[  (FAILED|PASSED) |Failure' $OUT/test/a2a_ll_test.log | head -30 >> $OUT/test/summary.txt
if [[ $rc == 0 ]]; then
  timeout 60 build-gpu/tests/a2a_ll_test --gtest_repeat=3 --gtest_filter='*RowsOncePerRank*' > $OUT/test/repeat.log 2>&1; echo "dedup tests x3 rc $?" >> $OUT/test/summary.txt
  grep -c '^\[       OK' $OUT/test/repeat.log >> $OUT/test/summary.txt
  timeout 100 $(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer) --tool memcheck --leak-check no --report-api-errors no --target-processes all --error-exitcode 86 build-gpu/tests/a2a_ll_test --gtest_filter='Teams/A2aLlTest.RowsOncePerRankMatchTheReference/2gpus' > $OUT/test/memcheck.log 2>&1; echo "memcheck rc $?" >> $OUT/test/summary.txt
  grep "ERROR SUMMARY" $OUT/test/memcheck.log >> $OUT/test/summary.txt
  OUT=$OUT/ab PADGRAPH_AB_ROUNDS=2 tools/ab-bench.sh build-gpu 'dispatch_combine/world:(2|4)/a2a_ll_dedup/rows:(32|128)/sms:(32|64|128)' latency1 head > $OUT/ab/table.txt 2>&1
  OUT=$OUT/bench PADGRAPH_BENCH_TIMEOUT_S=200 tools/dispatch-bench.sh build-gpu > $OUT/bench/table.txt 2>&1
fi
cd $OUT && tar -czf run7.tgz test ab bench && cat test/summary.txt && tail -13 ab/table.txt && sed -n '/W rows/,/loopback/p' bench/table.txt && rm -rf test ab bench
