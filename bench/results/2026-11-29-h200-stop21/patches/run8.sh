#!/usr/bin/env bash
# Stop 21, call 9 (one H200, loopback ranks): wfirst (block 0's table outputs after its words and
# line sends) and wspread (that, and the words spread over the blocks) against the tree.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT1=$OUT; export OUT=$OUT1/ab; mkdir -p $OUT
PADGRAPH_DISPATCH_ROWS=1,2,4,8,32,128 PADGRAPH_AB_ROUNDS=3 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:' head wfirst wspread 2>&1 | tee $OUT1/ab.txt
(cd $OUT1 && tar -czf ab.tar.gz ab && rm -rf ab)
