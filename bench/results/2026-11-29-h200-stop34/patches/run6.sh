#!/usr/bin/env bash
# The line sum spread: the lines' floor fself / fselfsum (the sum block-major) / fssw (warp-major,
# floorsumspread.py) at 1, 8, 32 rows.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
OUT=$OUT/abf PADGRAPH_DISPATCH_ROWS=1,8,32 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll_lines_floor/' fself fselfsum fssw 2>&1 | tail -10 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/abf-medians.txt"
(cd "$OUT" && tar -czf ab.tgz abf && rm -rf abf)
