#!/usr/bin/env bash
# Is lines back's 1-8 row cost the row path's pair_routes loop? nopr: left out; prld: rolled, ids loaded again.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/ab11
OUT=$OUT/ab11 PADGRAPH_AB_ROUNDS=3 tools/ab-bench.sh build-gpu 'dispatch_combine/world:(2|4)/a2a_ll/rows:(1|8)/sms:(32|64|128)' prev head nopr prld > $OUT/ab11/table.txt 2>&1
cd $OUT && tar -czf ab11.tgz ab11 && sed -E 's#/[0-9]+/[0-9]+/[0-9]+/[0-9]+/[0-9]+/iterations:15/manual_time##' ab11/table.txt | sed -E 's/^dispatch_combine.world:/w/' && rm -rf ab11
