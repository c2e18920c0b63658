#!/usr/bin/env bash
# Stop 28, call 1 (one H200, loopback ranks): the spread counter and the new tests (uncommon shapes,
# jitter of spread and column rows at top_k 16): tools/issue4-check.sh, memcheck of the uncommon
# shapes on 2 ranks; base27 (8be381f, no counter) against head at 1-128 rows, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu 2>&1 | tail -7
grep -h "^\[ a2a_ll\|FAILED\|Failure\|error" $OUT/tests/a2a_ll_test.log | head -30
timeout 200 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --leak-check no --report-api-errors no \
  --error-exitcode 86 build-gpu/tests/a2a_ll_test \
  --gtest_filter='Teams/A2aLlTest.UncommonShapesMatchTheReference/2ranks_on_1gpu' > $OUT/tests/sanitize.log 2>&1
echo "sanitize rc $?"; grep -E "ERROR SUMMARY|^\[  (PASSED|FAILED) " $OUT/tests/sanitize.log | head -4
export PADGRAPH_DISPATCH_ROWS=1,16,64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=90
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:2/a2a_ll(_dedup)?/rows:' base27 head 2>&1 | tail -20 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz tests ab) && rm -rf $OUT/tests $OUT/ab
