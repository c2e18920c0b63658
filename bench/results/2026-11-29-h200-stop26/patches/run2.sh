#!/usr/bin/env bash
# Stop 26, call 2 (one H200, loopback ranks) at the tree's head with CopyRow's loads through
# __ldcg (every load of a row copy ahead of its stores, in SASS): the GPU tests, compute-sanitizer
# memcheck of two 2-rank loopback cases, then prev (97ca2ad) / head / fdivcg (head with the row
# paths' owners by the FastDivisor) at 0-128 rows, one copy per pair (2 ranks at 16 and 32 SMs, 4 at
# 16) and the default (rows once per rank above 48 / 32 rows), 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu 2>&1 | tail -6
(cd $OUT/tests && tar -czf ../tests.tgz . ) && rm -rf $OUT/tests
timeout 200 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --leak-check no --report-api-errors no \
  --error-exitcode 86 build-gpu/tests/a2a_ll_test \
  --gtest_filter='Teams/A2aLlTest.GraphOfManyLayersEqualsEagerBitForBit/2ranks_on_1gpu:Teams/A2aLlTest.RowsOncePerRankMatchTheReference/2ranks_on_1gpu' > $OUT/sanitize.log 2>&1
echo "sanitize rc $?"; grep -E "ERROR SUMMARY|^\[  (PASSED|FAILED) " $OUT/sanitize.log | head -6
export PADGRAPH_DISPATCH_ROWS=1,8,32,64,128 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=90
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll(_dedup)?/rows:' prev head fdivcg 2>&1 | tail -32 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
