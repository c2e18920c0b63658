#!/usr/bin/env bash
# Subtractive probes at 128 rows (row path) on 2 and 4 GPUs, second set.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/probe2
OUT=$OUT/probe2 PADGRAPH_AB_ROUNDS=2 tools/ab-bench.sh build-gpu 'dispatch_combine/world:(2|4)/a2a_ll/rows:128/sms:128|parts/world:(2|4)/a2a_ll/rows:0' head nosum nodcopy_nocsend nodcopy_nocsend_nosum noscan nofence nodrelease nofence_nodrelease 2>&1 | tail -8
cd $OUT && tar -czf probe2.tgz probe2 && rm -rf probe2
