#!/usr/bin/env bash
# Stop 18 run 10, at the copy-loop guard: tests and
# the final table beside torch.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT
mkdir -p $root/19-check $root/20-table
OUT=$root/19-check tools/issue4-check.sh build-gpu > $root/19-check/table.txt 2>&1
OUT=$root/20-table PADGRAPH_BENCH_TIMEOUT_S=200 tools/dispatch-bench.sh build-gpu > $root/20-table/table.txt 2>&1
cd $root && tar -czf run10.tgz 19-check 20-table
cat 19-check/table.txt; tail -25 20-table/table.txt | head -12
