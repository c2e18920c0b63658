#!/usr/bin/env bash
# Lines back at 83c9acf: the line sum's eight lines a round (head) against four (ls4), and 013d67f.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/ab8
OUT=$OUT/ab8 PADGRAPH_AB_ROUNDS=3 tools/ab-bench.sh build-gpu 'dispatch_combine/world:(2|4)/a2a_ll/rows:(1|8|16|32|128)/sms:(32|64|128)' prev head ls4 > $OUT/ab8/table.txt 2>&1
cd $OUT && tar -czf ab8.tgz ab8 && sed -E 's#/[0-9]+/[0-9]+/[0-9]+/[0-9]+/[0-9]+/iterations:15/manual_time##' ab8/table.txt | sed -E 's/^dispatch_combine.world:/w/' && rm -rf ab8
