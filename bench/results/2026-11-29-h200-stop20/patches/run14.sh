#!/usr/bin/env bash
# Stop 20, call 14 (one H200, loopback ranks): warm (every kernel parameter read before
# griddepcontrol.wait, timing only) against the final tree.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT1=$OUT; export OUT=$OUT1/ab; mkdir -p $OUT
PADGRAPH_DISPATCH_ROWS=1,8,128 PADGRAPH_AB_ROUNDS=5 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:' head warm 2>&1 | tee $OUT1/ab.txt
(cd $OUT1 && tar -czf ab.tar.gz ab && rm -rf ab)
