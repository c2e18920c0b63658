#!/usr/bin/env bash
# Stop 19 run 11: u1s (a warp sends its one unit of lines unrolled once when no warp has more, the
# kLineUnroll loop otherwise) beside u1 and head, loopback ranks on
# one GPU at 0 and 1 rows (lines; the benchmark's loopback rows are fixed) and 128 (the row path).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT; mkdir -p $root/15-ab-u1s
PADGRAPH_AB_ROUNDS=3 OUT=$root/15-ab-u1s tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(0|1|128)/' head u1 u1s 2>&1 | sed 's|/iterations:15/manual_time||' | tee $root/15-ab-u1s/table.txt
cd $root && tar -czf run11.tgz 15-ab-u1s
