#!/usr/bin/env bash
# Stop 19 run 15: which kernel's unroll gives u1's gain at 1 row: kLineUnroll 1 in the dispatch
# only (u1d) or in the combine only (u1c; tools/tmpdiag/u1split.py), beside head and u1, loopback
# ranks on one GPU.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT; mkdir -p $root/19-ab-u1-split
PADGRAPH_AB_ROUNDS=3 OUT=$root/19-ab-u1-split tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(1|128)/' head u1 u1d u1c 2>&1 | sed 's|/iterations:15/manual_time||' | tee $root/19-ab-u1-split/table.txt
cd $root && tar -czf run15.tgz 19-ab-u1-split
