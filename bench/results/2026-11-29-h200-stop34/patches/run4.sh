#!/usr/bin/env bash
# The helper with the caller's hoisted values (working tree on 3903838): a2a_ll head0 (3903838's
# kernels) / head at 1, 8 rows; the lines' floor head / fwords (floorwords2.py: a2a_ll's count words,
# their wait, scan and search in leg 0) / fself (floorself.py) / fselfsum (fself + floorsum.py:
# leg 1 received as a2a_ll's line sum) at 1, 8 rows.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,8 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head0 head 2>&1 | tail -7 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/ab-medians.txt"
OUT=$OUT/abf PADGRAPH_DISPATCH_ROWS=1,8 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll_lines_floor/' head fwords fself fselfsum 2>&1 | tail -7 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/abf-medians.txt"
grep -h "ERROR\|check" $OUT/abf/*.log | sort | uniq -c | head
(cd "$OUT" && tar -czf ab.tgz abf ab && rm -rf abf ab)
