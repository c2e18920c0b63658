#!/usr/bin/env bash
# Stop 27, call 10 (one H200, loopback ranks): the tree as it lands (rows spread over the grid up to
# 128 rows, parts by columns above): the GPU tests and the SASS order check (tools/issue4-check.sh),
# memcheck of three 2-rank cases, then base (67caf5d) against head at 0-128 rows, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu 2>&1 | tail -7
timeout 300 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --leak-check no --report-api-errors no \
  --error-exitcode 86 build-gpu/tests/a2a_ll_test \
  --gtest_filter='Teams/A2aLlTest.RowPartsOfUnequalWidthMatchTheReference/2ranks_on_1gpu:Teams/A2aLlTest.GraphOfManyLayersEqualsEagerBitForBit/2ranks_on_1gpu:Teams/A2aLlTest.LinesBackSourceWaitsForPeersItSentNothing/2ranks_on_1gpu' > $OUT/tests/sanitize.log 2>&1
echo "sanitize rc $?"; grep -E "ERROR SUMMARY|^\[  (PASSED|FAILED) " $OUT/tests/sanitize.log | head -4
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32,64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=90
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:|2/a2a_ll_dedup/rows:(64|128)/|8/a2a_ll/rows:(1|8)/)' base head 2>&1 | tail -40 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz tests ab) && rm -rf $OUT/tests $OUT/ab
