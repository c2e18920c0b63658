#!/usr/bin/env bash
# Stop 27, call 9 (one H200, loopback ranks): rows spread, with the lines-only instance's slot table
# back to one word of tokens and the wait for blocks' words skipped when no rank spreads: a2a_ll_test,
# then base / cols / head at 0-8 rows (where call 8 found 0 rows 0.15-0.2 us slower) and the
# default at 64 and 128 rows, 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/tests
timeout 300 build-gpu/tests/a2a_ll_test > $OUT/tests/a2a_ll_test.log 2>&1; echo "a2a_ll_test rc $?"
grep -E "^\[  (PASSED|FAILED) |^\[  FAILED  \]" $OUT/tests/a2a_ll_test.log | head
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,64,128 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=90
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:[0-8]/|2/a2a_ll_dedup/rows:(64|128)/|8/a2a_ll/rows:(1|8)/)' base cols head 2>&1 | tail -30 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz tests ab) && rm -rf $OUT/tests $OUT/ab
