#!/usr/bin/env bash
# Stop 18 run 7, at the lines_back fix: tests, the final table beside torch, the once path at 128
# rows against stop 17's build (s17 = f3fca79), the crossover again, memcheck.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT
mkdir -p $root/11-check $root/12-table $root/13-ab-s17 $root/14-crossover $root/15-sanitize
OUT=$root/11-check tools/issue4-check.sh build-gpu > $root/11-check/table.txt 2>&1
OUT=$root/12-table PADGRAPH_BENCH_TIMEOUT_S=200 tools/dispatch-bench.sh build-gpu > $root/12-table/table.txt 2>&1
PADGRAPH_AB_ROUNDS=3 OUT=$root/13-ab-s17 tools/ab-bench.sh build-gpu 'dispatch_combine/world:[24]/a2a_ll(_dedup)?/rows:128/' s17 head > $root/13-ab-s17/table.txt 2>&1
PADGRAPH_DISPATCH_ROWS=24,32,40,48,64 PADGRAPH_AB_ROUNDS=2 OUT=$root/14-crossover tools/ab-bench.sh build-gpu 'dispatch_combine/world:[24]/a2a_ll(_dedup)?/rows' head > $root/14-crossover/table.txt 2>&1
OUT=$root/15-sanitize timeout 230 tools/sanitize.sh build-gpu > $root/15-sanitize/table.txt 2>&1
cd $root && tar -czf run7.tgz 11-check 12-table 13-ab-s17 14-crossover 15-sanitize
cat 11-check/table.txt; tail -25 12-table/table.txt | head -12; cat 13-ab-s17/table.txt; cat 14-crossover/table.txt | sed 's|/iterations:15/manual_time||; s|dispatch_combine/||'; tail -6 15-sanitize/table.txt
