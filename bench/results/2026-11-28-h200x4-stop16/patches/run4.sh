#!/usr/bin/env bash
# The dispatch's slot scans run twice (results unchanged): what they cost with the rows moving.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/probe4
OUT=$OUT/probe4 PADGRAPH_AB_ROUNDS=3 tools/ab-bench.sh build-gpu 'dispatch_combine/world:(2|4)/a2a_ll(_row_path)?/rows:128/sms:128' head scantwice owntwice 2>&1 | tail -5
cd $OUT && tar -czf probe4.tgz probe4 && rm -rf probe4
