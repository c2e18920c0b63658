#!/usr/bin/env bash
# The line sum's width: the lines' floor fself / fselfsum (8 lines awaited at once) / fss4 (4, two
# rounds) / fss1 (1, eight rounds) at 1, 8 rows; a2a_ll head (kLineSumLoads 8) / ls4 / ls1.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
OUT=$OUT/abf PADGRAPH_DISPATCH_ROWS=1,8 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll_lines_floor/' fself fselfsum fss4 fss1 2>&1 | tail -7 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/abf-medians.txt"
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,8 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head ls4 ls1 2>&1 | tail -7 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz abf ab && rm -rf abf ab)
