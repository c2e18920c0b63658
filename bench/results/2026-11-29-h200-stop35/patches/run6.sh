#!/usr/bin/env bash
# Stop 35 call 6: the combine kernels' SASS of narrow (out of k order) and head (call 5's k-order
# sum through shared memory), for reading here; A/B head0 / narrow / head / brk (head with its
# sum's loop cut at top_k, patches/brk.py) at 1-8 rows.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
cuobjdump=$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)
for v in narrow brk; do
  "$cuobjdump" -sass build-gpu/bench/dispatch_combine_bench_$v | gzip > "$OUT/$v.sass.gz"
done
"$cuobjdump" -sass build-gpu/bench/dispatch_combine_bench | gzip > "$OUT/head.sass.gz"
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head0 narrow head brk 2>&1 | tail -13 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
