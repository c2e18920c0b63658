#!/usr/bin/env bash
# Lines back: the 1-row cost (off, inter) and a line sum awaiting all top-8 at once (ls8).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/ab6
OUT=$OUT/ab6 PADGRAPH_AB_ROUNDS=2 tools/ab-bench.sh build-gpu 'dispatch_combine/world:(2|4)/a2a_ll/rows:(1|8|32|128)/sms:(32|128)' prev head off inter ls8 inter_ls8 > $OUT/ab6/table.txt 2>&1
cd $OUT && tar -czf ab6.tgz ab6 && sed -E 's#/[0-9]+/[0-9]+/[0-9]+/[0-9]+/[0-9]+/iterations:15/manual_time##' ab6/table.txt | sed -E 's/^dispatch_combine.world:/w/' && rm -rf ab6
