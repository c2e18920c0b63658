#!/usr/bin/env bash
# Stop 18 run 9 (2 H200; the 4-GPU kind was no longer lent): what a rank_dedup-capable instance
# costs at 1-8 rows when no source sends once (a2a_ll_dedup against a2a_ll). v1: the combine loads
# first_counts only for a peer that sent once; v2: v1 and the dispatch's copy loop skipped unless
# some source sent once.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/18-ab-small
PADGRAPH_AB_ROUNDS=2 OUT=$OUT/18-ab-small tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll(_dedup)?/rows:(1|8|128)/' head v1 v2 2>&1 | sed 's|/iterations:15/manual_time||; s|dispatch_combine/||' | tee $OUT/18-ab-small/table.txt
cd $OUT && tar -czf run9.tgz 18-ab-small
