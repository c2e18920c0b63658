#!/usr/bin/env bash
# floorsteps0.py's step split: step0a (the loads after the wait alone: an id per thread and thread
# 0's count, before the floor's barrier) against step0 (with the atomics, barrier and mask read)
# and the floor (head), 1 and 8 rows, 3 rounds.
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
PADGRAPH_DISPATCH_ROWS=1,8 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll_lines_floor/' head step0 step0a 2>&1 | tail -7 |
  sed 's/iterations:15\/manual_time//'
