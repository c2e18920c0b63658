#!/usr/bin/env bash
# Stop 20, call 6 (one H200, loopback ranks, bench patched to line_rows 16 at 16 SMs: 256 warps,
# 240 units a row): lr16 takes the one-unit instance up to four units a warp (4 rows), lr16w16 up
# to sixteen (every count here), lr16lo4 a lines-only instance that keeps four units in flight.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT1=$OUT; export OUT=$OUT1/ab; mkdir -p $OUT
PADGRAPH_DISPATCH_ROWS=1,2,4,6,8,12,16 PADGRAPH_AB_ROUNDS=5 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:([1-9]|1[0-9])/' lr16 lr16w16 lr16lo4 2>&1 | tee $OUT1/ab.txt
(cd $OUT1 && tar -czf ab.tar.gz ab && rm -rf ab)
