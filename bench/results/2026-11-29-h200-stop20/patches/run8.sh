#!/usr/bin/env bash
# Stop 20, call 8 (one H200, loopback ranks): no1 (a third dispatch instance for launches that
# cannot send rows once per rank, which is every launch of the benchmark's one-copy a2a_ll) against
# 0b0bbe6, with lines and on the row path alone.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT1=$OUT; export OUT=$OUT1/ab; mkdir -p $OUT
PADGRAPH_DISPATCH_ROWS=1,8,16,32,64,128 PADGRAPH_AB_ROUNDS=5 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll(_row_path)?/rows:' head no1 2>&1 | tee $OUT1/ab.txt
(cd $OUT1 && tar -czf ab.tar.gz ab && rm -rf ab)
