#!/usr/bin/env bash
# Stop 27, call 8 (one H200, loopback ranks): rows spread over the grid (every block computes the slot table up to 128 rows;
# (pair, quarter row) units over every warp, SM-major; a word per block at every rank) against cols (ea373b6, parts by
# columns, each warp its own rows) and base (67caf5d): a2a_ll_test, memcheck of two cases, then
# 8-128 rows, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/tests
timeout 300 build-gpu/tests/a2a_ll_test > $OUT/tests/a2a_ll_test.log 2>&1; echo "a2a_ll_test rc $?"
grep -E "^\[  (PASSED|FAILED) |^\[  FAILED  \]" $OUT/tests/a2a_ll_test.log | head
timeout 300 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --leak-check no --report-api-errors no \
  --error-exitcode 86 build-gpu/tests/a2a_ll_test \
  --gtest_filter='Teams/A2aLlTest.RowPartsOfUnequalWidthMatchTheReference/2ranks_on_1gpu:Teams/A2aLlTest.GraphOfManyLayersEqualsEagerBitForBit/2ranks_on_1gpu' > $OUT/tests/sanitize.log 2>&1
echo "sanitize rc $?"; grep -E "ERROR SUMMARY|^\[  (PASSED|FAILED) " $OUT/tests/sanitize.log | head -4
export PADGRAPH_DISPATCH_ROWS=8,16,32,64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=90
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:|8/a2a_ll/rows:8/)' base cols head 2>&1 | tail -30 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz tests ab) && rm -rf $OUT/tests $OUT/ab
