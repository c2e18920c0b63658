#!/usr/bin/env bash
# Stop 18 run 1: where rank_dedup and one copy per pair cross (c50f6de-equivalent kernels).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi --query-gpu=name --format=csv,noheader | head -1
cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=24,32,48,64,96,128 PADGRAPH_AB_ROUNDS=2 PADGRAPH_AB_TIMEOUT_S=200
mkdir -p $OUT/1-crossover
OUT=$OUT/1-crossover tools/ab-bench.sh build-gpu 'dispatch_combine/world:[24]/a2a_ll(_dedup)?/rows' head 2>&1 | tee $OUT/1-crossover/table.txt
