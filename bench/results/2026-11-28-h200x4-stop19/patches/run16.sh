#!/usr/bin/env bash
# Stop 19 run 16: u1ds (the dispatch's lines sent one unit per warp, unrolled once, when no warp
# has more than one; its kLineUnroll loop otherwise; the combine as head) beside head and u1d,
# loopback ranks on one GPU; then with several units per warp (lblines: lbhead, lbu1ds).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT; mkdir -p $root/20-ab-u1ds $root/21-ab-u1ds-units
PADGRAPH_AB_ROUNDS=3 OUT=$root/20-ab-u1ds tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(1|128)/' head u1d u1ds 2>&1 | sed 's|/iterations:15/manual_time||' | tee $root/20-ab-u1ds/table.txt
PADGRAPH_AB_ROUNDS=3 OUT=$root/21-ab-u1ds-units tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(1|8|16|32)/' lbhead lbu1ds 2>&1 | sed 's|/iterations:15/manual_time||' | tee $root/21-ab-u1ds-units/table.txt
cd $root && tar -czf run16.tgz 20-ab-u1ds 21-ab-u1ds-units
