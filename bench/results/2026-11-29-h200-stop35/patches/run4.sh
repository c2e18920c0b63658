#!/usr/bin/env bash
# Stop 35 call 4: does the shared-memory sum's cost come from its 33 KiB of shared memory? A/B
# head0 / narrow / nsmem (narrow with an unused 32 KiB shared array stored to) / smem4 at 1-8 rows;
# the combine kernels' SASS of narrow, smem4 and head (cuobjdump) for reading here.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
cuobjdump=$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)
for v in narrow smem4; do
  "$cuobjdump" -sass -fun CombineKernel build-gpu/bench/dispatch_combine_bench_$v 2>&1 | gzip > "$OUT/$v.sass.gz" || true
  "$cuobjdump" -sass build-gpu/bench/dispatch_combine_bench_$v 2>&1 | grep -c . 
done
"$cuobjdump" -sass build-gpu/bench/dispatch_combine_bench 2>&1 | gzip > "$OUT/head.sass.gz"
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head0 narrow nsmem smem4 2>&1 | tail -13 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
