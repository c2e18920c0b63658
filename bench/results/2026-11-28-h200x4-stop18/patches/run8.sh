#!/usr/bin/env bash
# Stop 18 run 8, at 3a1673f (automatic rank_dedup_rows by ranks; device code as 5752905): tests and
# the final table beside torch.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT
mkdir -p $root/16-check $root/17-table
OUT=$root/16-check tools/issue4-check.sh build-gpu > $root/16-check/table.txt 2>&1
OUT=$root/17-table PADGRAPH_BENCH_TIMEOUT_S=200 tools/dispatch-bench.sh build-gpu > $root/17-table/table.txt 2>&1
cd $root && tar -czf run8.tgz 16-check 17-table
cat 16-check/table.txt; tail -25 17-table/table.txt | head -12
