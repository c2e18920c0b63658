#!/usr/bin/env bash
# hoist (tools/tmpdiag/hoist2.py: each warp's first unit of x loaded beside the ids) against f842ee2
# (head), one copy per pair, 1-16 rows, 3 rounds.
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head hoist 2>&1 | tail -16 | sed 's/iterations:15\/manual_time//'
