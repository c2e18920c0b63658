#!/usr/bin/env bash
# Stop 35 call 3: is the k-order sum's cost its code? A/B head0 (5e4ee12) / narrow (stop 34 call
# 12, out of k order) / smem1, smem4 (call 2's shared-memory sum, its k loop unrolled 1 and 4, by
# patches/unroll.py) / head (call 2's, unrolled fully) at 1-16 rows.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head0 narrow smem1 smem4 head 2>&1 | tail -16 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
