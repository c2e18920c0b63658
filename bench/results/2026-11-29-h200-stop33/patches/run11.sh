#!/usr/bin/env bash
# 64- against 32-bit shared masks: in the floor's table-shaped step (step0 against step0w32,
# tools/tmpdiag/floorsteps0w32.py) and in a2a_ll's slot table (head against t32,
# tools/tmpdiag/table32.py), 1-16 rows, 3 rounds.
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
PADGRAPH_DISPATCH_ROWS=1,8 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll_lines_floor/' step0 step0w32 2>&1 | tail -7 |
  sed 's/iterations:15\/manual_time//'
OUT=$OUT/t32 PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head t32 2>&1 | tail -19 | sed 's/iterations:15\/manual_time//'
