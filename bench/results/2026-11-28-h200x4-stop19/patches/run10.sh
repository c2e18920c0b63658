#!/usr/bin/env bash
# Stop 19 run 10: u1 (kLineUnroll 1 instead of 4: one (row, four lines) unit per warp at a time in
# the line sends, 808 + 560 fewer instructions in the two kernels) against head, loopback ranks on
# one GPU at 0 and 1 rows (lines; the benchmark's loopback rows are fixed) and 128 (the row path).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT; mkdir -p $root/14-ab-u1
PADGRAPH_AB_ROUNDS=3 OUT=$root/14-ab-u1 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(0|1|128)/' head u1 2>&1 | sed 's|/iterations:15/manual_time||' | tee $root/14-ab-u1/table.txt
cd $root && tar -czf run10.tgz 14-ab-u1
