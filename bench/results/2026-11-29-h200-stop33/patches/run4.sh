#!/usr/bin/env bash
# The lines' floor with its receive's counts from one word per source (tools/tmpdiag/floorwords.py,
# "words") against the floor (head), 1-32 rows, 3 rounds.
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll_lines_floor/' head words 2>&1 | tail -30
