#!/usr/bin/env bash
# floorsteps.py's two steps apart: step0 (leg 0's table-shaped step alone, floorsteps0.py) and
# step1 (leg 1's lookup through the origins alone, floorsteps1.py), beside both (steps) and the
# floor (head), 1 and 8 rows, 3 rounds.
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
PADGRAPH_DISPATCH_ROWS=1,8 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll_lines_floor/' head steps step0 step1 2>&1 | tail -8 |
  sed 's/iterations:15\/manual_time//'
