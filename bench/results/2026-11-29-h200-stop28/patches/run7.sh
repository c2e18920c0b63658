#!/usr/bin/env bash
# Stop 28, call 7 (one H200, loopback ranks): the combine's partial sums of rows once per rank by
# runs of a first row's chunks (members and weights loaded once per run): tools/issue4-check.sh,
# memcheck of two tests of rows once per rank on 2 ranks; c2 (fe3de27) against head, 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu 2>&1 | tail -7
grep -h "FAILED\|Failure" $OUT/tests/a2a_ll_test.log | head -20
timeout 200 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --leak-check no --report-api-errors no \
  --error-exitcode 86 build-gpu/tests/a2a_ll_test \
  --gtest_filter='Teams/A2aLlTest.RowPartsOfUnequalWidthMatchTheReference/2ranks_on_1gpu:Teams/A2aLlTest.RowsOncePerRankMatchTheReference/2ranks_on_1gpu' > $OUT/tests/sanitize.log 2>&1
echo "sanitize rc $?"; grep -E "ERROR SUMMARY|^\[  (PASSED|FAILED) " $OUT/tests/sanitize.log | head -4
export PADGRAPH_DISPATCH_ROWS=1,8,64,96,128 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=120
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll(_dedup)?/rows:' c2 head 2>&1 | tail -30 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz tests ab) && rm -rf $OUT/tests $OUT/ab
