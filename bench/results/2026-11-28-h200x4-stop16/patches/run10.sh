#!/usr/bin/env bash
# Is lines back's 1-8 row cost the larger combine_lines section? off: return_line_rows = line_rows.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/ab10
OUT=$OUT/ab10 PADGRAPH_AB_ROUNDS=3 tools/ab-bench.sh build-gpu 'dispatch_combine/world:(2|4)/a2a_ll/rows:(1|8)/sms:(32|64|128)' prev head off > $OUT/ab10/table.txt 2>&1
cd $OUT && tar -czf ab10.tgz ab10 && sed -E 's#/[0-9]+/[0-9]+/[0-9]+/[0-9]+/[0-9]+/iterations:15/manual_time##' ab10/table.txt | sed -E 's/^dispatch_combine.world:/w/' && rm -rf ab10
