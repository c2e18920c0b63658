#!/usr/bin/env bash
# Stop 22, call 18 (one H200, loopback ranks): FirstPairRow's check by shuffles (head, c260e4d)
# against __match_any_sync (mfpr), the default (rows once per rank) at 64 and 128 rows, 2 and 4
# ranks, 3 rounds; then a2a_ll_test (loopback instances) at head.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0 PADGRAPH_DISPATCH_ROWS=64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll_dedup/rows:(64|128)/' mfpr head 2>&1 | tail -8
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
timeout 150 build-gpu/tests/a2a_ll_test > $OUT/a2a_ll_test.log 2>&1; echo "a2a_ll_test rc $?"
grep -E '^\[  (PASSED|FAILED) |^\[  FAILED  \]|rows once|rows_once' $OUT/a2a_ll_test.log | cut -c1-200 | head -12
