#!/usr/bin/env bash
# Stop 18 run 2: tests, the table beside torch, memcheck at the rank_dedup_rows commit.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT
mkdir -p $root/2-check $root/3-table $root/4-sanitize
OUT=$root/2-check tools/issue4-check.sh build-gpu > $root/2-check/table.txt 2>&1
OUT=$root/3-table PADGRAPH_BENCH_TIMEOUT_S=200 tools/dispatch-bench.sh build-gpu > $root/3-table/table.txt 2>&1
OUT=$root/4-sanitize timeout 250 tools/sanitize.sh build-gpu > $root/4-sanitize/table.txt 2>&1
cd $root && tar -czf run2.tgz 2-check 3-table 4-sanitize
cat 2-check/table.txt; tail -25 3-table/table.txt; tail -8 4-sanitize/table.txt
