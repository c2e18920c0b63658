#!/usr/bin/env bash
# Lines back: A/B against the previous tree and an 8-deep variant, then the GPU tests.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/ab $OUT/check
OUT=$OUT/ab PADGRAPH_AB_ROUNDS=2 tools/ab-bench.sh build-gpu 'dispatch_combine/world:(2|4)/a2a_ll(_row_path)?/rows:(1|8|16|32|128)/sms:(32|128)' prev head lu8 > $OUT/ab/table.txt 2>&1
OUT=$OUT/check tools/issue4-check.sh build-gpu > /dev/null 2>&1
cd $OUT && tar -czf ab.tgz ab && tar -czf check.tgz check && cat ab/table.txt | cut -c1-40,75- && cat check/summary.txt && rm -rf ab check
