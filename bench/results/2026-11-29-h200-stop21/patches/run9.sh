#!/usr/bin/env bash
# Stop 21, call 10 (one H200, loopback ranks): the dispatch's unpack placing rows without a
# block-wide scan (Note [Unpacking without a scan]): a2a_ll_test (loopback 2 and 4 ranks, 1-GPU
# tests), then the A/B against the tree before it (base), 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
timeout 200 build-gpu/tests/a2a_ll_test > $OUT/a2a_ll_test.log 2>&1
echo "a2a_ll_test rc $?"; grep -E '^\[  (PASSED|FAILED) |^\[  FAILED  \] ' $OUT/a2a_ll_test.log
OUT1=$OUT; export OUT=$OUT1/ab; mkdir -p $OUT
PADGRAPH_DISPATCH_ROWS=1,2,4,8,32,128 PADGRAPH_AB_ROUNDS=5 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll(_row_path)?/rows:' base head 2>&1 | tee $OUT1/ab.txt
(cd $OUT1 && tar -czf ab.tar.gz ab && rm -rf ab)
