#!/usr/bin/env bash
# Is the 1-8 row cost of lines back its loop's code? noloop: the loop compiled out.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/ab9
OUT=$OUT/ab9 PADGRAPH_AB_ROUNDS=3 tools/ab-bench.sh build-gpu 'dispatch_combine/world:(2|4)/a2a_ll/rows:(1|8)/sms:(32|64|128)' prev head noloop > $OUT/ab9/table.txt 2>&1
cd $OUT && tar -czf ab9.tgz ab9 && sed -E 's#/[0-9]+/[0-9]+/[0-9]+/[0-9]+/[0-9]+/iterations:15/manual_time##' ab9/table.txt | sed -E 's/^dispatch_combine.world:/w/' && rm -rf ab9
