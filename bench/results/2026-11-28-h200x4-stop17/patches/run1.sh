#!/usr/bin/env bash
# Stop 17 run 1 at bf4df5e (ecb26b8's wait + path counters): A/B against the wait left out, the GPU
# tests, the jitter stress and the lines-back race test 10 more times, memcheck.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/ab $OUT/check $OUT/jitter $OUT/sanitize
OUT=$OUT/ab PADGRAPH_AB_ROUNDS=2 tools/ab-bench.sh build-gpu 'dispatch_combine/world:(2|4)/a2a_ll/rows:(1|16|32|128)/sms:(32|128)' nowait head > $OUT/ab/table.txt 2>&1
OUT=$OUT/check tools/issue4-check.sh build-gpu > /dev/null 2>&1
timeout 200 build-gpu/tests/a2a_ll_test --gtest_repeat=10 --gtest_filter='*JitterStress*:*LinesBackSource*' > $OUT/jitter/a2a_ll_test.log 2>&1; echo "jitter x10 rc $?" > $OUT/jitter/summary.txt
grep -c '^\[       OK' $OUT/jitter/a2a_ll_test.log >> $OUT/jitter/summary.txt; grep -c '^\[  FAILED' $OUT/jitter/a2a_ll_test.log >> $OUT/jitter/summary.txt
OUT=$OUT/sanitize timeout 200 tools/sanitize.sh build-gpu > $OUT/sanitize/table.txt 2>&1; echo "sanitize rc $?" >> $OUT/sanitize/table.txt
cd $OUT && tar -czf run1.tgz ab check jitter sanitize && cat check/summary.txt jitter/summary.txt && tail -4 sanitize/table.txt && tail -20 ab/table.txt && rm -rf ab check jitter sanitize
