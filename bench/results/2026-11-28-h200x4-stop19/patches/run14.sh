#!/usr/bin/env bash
# Stop 19 run 14: kLineUnroll 2 beside 4 and 1, loopback ranks on one GPU, the loopback instances
# sending lines up to 32 rows (tools/tmpdiag/lblines.py): lbhead (4), lbu1 (1), lbu2 (2).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT; mkdir -p $root/18-ab-u2
PADGRAPH_AB_ROUNDS=3 OUT=$root/18-ab-u2 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(1|8|16|32)/' lbhead lbu1 lbu2 2>&1 | sed 's|/iterations:15/manual_time||' | tee $root/18-ab-u2/table.txt
cd $root && tar -czf run14.tgz 18-ab-u2
