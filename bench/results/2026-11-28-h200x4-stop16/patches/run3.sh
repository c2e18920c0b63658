#!/usr/bin/env bash
# Probes of the row path's protocol at 128 rows with no data moved and no sum ("bare").
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/probe3
OUT=$OUT/probe3 PADGRAPH_AB_ROUNDS=2 tools/ab-bench.sh build-gpu 'dispatch_combine/world:(2|4)/a2a_ll/rows:128/sms:128|parts/world:(2|4)/a2a_ll/rows:0' head bare bare_noscan bare_noitems bare_noitems_noscan bare_nofence_nodrelease bare_noinvalid bare_nocprefix 2>&1 | tail -8
cd $OUT && tar -czf probe3.tgz probe3 && rm -rf probe3
