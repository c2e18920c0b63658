#!/usr/bin/env bash
# Final at 5e88bf8: lines back against 013d67f (prev), the GPU tests, the dispatch table with torch.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/ab $OUT/check $OUT/bench
OUT=$OUT/ab PADGRAPH_AB_ROUNDS=2 tools/ab-bench.sh build-gpu 'dispatch_combine/world:(2|4)/a2a_ll(_row_path)?/rows:(1|8|16|32|128)/sms:(32|64|128)' prev head > $OUT/ab/table.txt 2>&1
OUT=$OUT/check tools/issue4-check.sh build-gpu > /dev/null 2>&1
OUT=$OUT/bench tools/dispatch-bench.sh build-gpu > $OUT/bench/table.txt 2>&1
cd $OUT && tar -czf final.tgz ab check bench && cat check/summary.txt && tail -25 bench/table.txt && rm -rf ab check bench
