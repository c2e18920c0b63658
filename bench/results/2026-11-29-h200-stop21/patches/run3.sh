#!/usr/bin/env bash
# Stop 21, call 4 (one H200, loopback ranks): hoist (the lines instance loads each warp's first
# unit of x beside the ids) against the tree; rows 8 runs another instance (a control).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT1=$OUT; export OUT=$OUT1/ab; mkdir -p $OUT
PADGRAPH_DISPATCH_ROWS=1,2,4,8 PADGRAPH_AB_ROUNDS=5 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:' head hoist 2>&1 | tee $OUT1/ab.txt
(cd $OUT1 && tar -czf ab.tar.gz ab && rm -rf ab)
