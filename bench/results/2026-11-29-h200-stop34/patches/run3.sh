#!/usr/bin/env bash
# The lines' floor head / fself (floorself.py: own pairs too, as lines to itself) / fwself (fself +
# floorwarpmajor.py) at 1, 8, 32 rows; a2a_ll head / wm (warpmajor.py) at 1, 8, 32 rows.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
OUT=$OUT/abf PADGRAPH_DISPATCH_ROWS=1,8,32 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll_lines_floor/' head fself fwself 2>&1 | tail -10 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/abf-medians.txt"
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,8,32 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head wm 2>&1 | tail -10 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz abf ab && rm -rf abf ab)
