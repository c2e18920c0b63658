#!/usr/bin/env bash
# The lines' floor with the two steps of device routing (tools/tmpdiag/floorsteps.py, "steps")
# against the floor (head), with a2a_ll beside, 1-16 rows, 3 rounds.
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll(_lines_floor)?/' head steps 2>&1 | tail -32 |
  sed 's/iterations:15\/manual_time//'
