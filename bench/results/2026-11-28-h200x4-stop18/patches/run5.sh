#!/usr/bin/env bash
# Stop 18 run 5, at 5752905 (return_line_rows capped at rank_dedup_rows): tests, the final table
# beside torch, and the once path at 128 rows against stop 17's build (s17 = f3fca79).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT
mkdir -p $root/7-check $root/8-table $root/9-ab-s17
OUT=$root/7-check tools/issue4-check.sh build-gpu > $root/7-check/table.txt 2>&1
OUT=$root/8-table PADGRAPH_BENCH_TIMEOUT_S=200 tools/dispatch-bench.sh build-gpu > $root/8-table/table.txt 2>&1
PADGRAPH_AB_ROUNDS=3 OUT=$root/9-ab-s17 tools/ab-bench.sh build-gpu 'dispatch_combine/world:[24]/a2a_ll(_dedup)?/rows:128/' s17 head > $root/9-ab-s17/table.txt 2>&1
cd $root && tar -czf run5.tgz 7-check 8-table 9-ab-s17
cat 7-check/table.txt; tail -25 8-table/table.txt; cat 9-ab-s17/table.txt
