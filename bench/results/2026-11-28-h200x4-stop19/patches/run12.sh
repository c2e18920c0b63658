#!/usr/bin/env bash
# Stop 19 run 12: u1 (kLineUnroll 1) where warps have several line units: loopback ranks on one
# GPU with the benchmark's loopback instances sending lines up to 32 rows (tools/tmpdiag/lblines.py:
# line_rows 32 at 16 SMs, 256 warps: 8 / 16 / 32 rows are 7.5 / 15 / 30 units per warp). lbhead:
# head's kernels, lbu1: u1's, both with that benchmark.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT; mkdir -p $root/16-ab-u1-units
PADGRAPH_AB_ROUNDS=3 OUT=$root/16-ab-u1-units tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(1|8|16|32)/' lbhead lbu1 2>&1 | sed 's|/iterations:15/manual_time||' | tee $root/16-ab-u1-units/table.txt
cd $root && tar -czf run12.tgz 16-ab-u1-units
