#!/usr/bin/env bash
# Stop 17 run 6 (final): the GPU tests, the jitter stress tests 5 more times, memcheck with the
# rank_dedup case.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/check $OUT/jitter $OUT/sanitize
OUT=$OUT/check tools/issue4-check.sh build-gpu > /dev/null 2>&1
timeout 150 build-gpu/tests/a2a_ll_test --gtest_repeat=5 --gtest_filter='*JitterStress*:*LinesBackSource*' > $OUT/jitter/a2a_ll_test.log 2>&1; echo "jitter x5 rc $?" > $OUT/jitter/summary.txt
grep -c '^\[       OK' $OUT/jitter/a2a_ll_test.log >> $OUT/jitter/summary.txt; grep -c '^\[  FAILED' $OUT/jitter/a2a_ll_test.log >> $OUT/jitter/summary.txt
OUT=$OUT/sanitize timeout 250 tools/sanitize.sh build-gpu > $OUT/sanitize/table.txt 2>&1; echo "sanitize rc $?" >> $OUT/sanitize/table.txt
cd $OUT && tar -czf run6.tgz check jitter sanitize && cat check/summary.txt jitter/summary.txt sanitize/table.txt && rm -rf check jitter sanitize
