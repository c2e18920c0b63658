#!/usr/bin/env bash
# Stop 26, call 5 (one H200, loopback ranks) at the tree's head (b0a1956: row copies' loads ahead
# of their stores; the row paths' owners by the FastDivisor): the GPU tests and the SASS order check
# (tools/issue4-check.sh), compute-sanitizer memcheck of three 2-rank loopback cases, then prev
# (97ca2ad, the stop's start) against head: 0-128 rows, one copy per pair on 2 ranks at 16 and 32
# SMs and 4 at 16, the default at 64 and 128 rows, 1 and 8 rows on 8 ranks at 8; 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu 2>&1 | tail -7
(cd $OUT/tests && tar -czf ../tests.tgz . ) && rm -rf $OUT/tests
timeout 300 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --leak-check no --report-api-errors no \
  --error-exitcode 86 build-gpu/tests/a2a_ll_test \
  --gtest_filter='Teams/A2aLlTest.GraphOfManyLayersEqualsEagerBitForBit/2ranks_on_1gpu:Teams/A2aLlTest.RowsOncePerRankMatchTheReference/2ranks_on_1gpu:Teams/A2aLlTest.ListOfLinesToSendAtItsBound/2ranks_on_1gpu' > $OUT/sanitize.log 2>&1
echo "sanitize rc $?"; grep -E "ERROR SUMMARY|^\[  (PASSED|FAILED) " $OUT/sanitize.log | head -6
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32,64,128 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=90
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:|[24]/a2a_ll_dedup/rows:(64|128)/|8/a2a_ll/rows:(1|8)/)' prev head 2>&1 | tail -36 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
