#!/usr/bin/env bash
# a2a_ll's line sum one line per warp (narrowsum.py) against head (cf9cc96) at 1-32 rows, 3 rounds.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head narrow 2>&1 | tail -19 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/ab-medians.txt"
grep -h "ERROR" $OUT/ab/*.log | sort | uniq -c | head -5
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
