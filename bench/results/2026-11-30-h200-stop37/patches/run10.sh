#!/usr/bin/env bash
# Stop 37 call 10 (tree c5999d6): the SASS of hoist and hoistcg (is the first unit's load of x ahead
# of the table's barrier?), then A/B head / hoist / hoistcg at 1-8 rows, three rounds.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
cuobjdump=$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)
for v in hoist hoistcg; do
  "$cuobjdump" -sass -fun '_ZN8padgraph41_GLOBAL__N__083dd140_9_a2a_ll_cu_bc5d500c14DispatchKernelILNS_10A2aLlSendsE0EEEvNS0_14DispatchParamsE' \
    build-gpu/bench/dispatch_combine_bench_$v > "$OUT/$v.e0.sass" 2>&1 ||
    "$cuobjdump" -sass build-gpu/bench/dispatch_combine_bench_$v > "$OUT/$v.all.sass" 2>&1
  f=$(ls "$OUT"/$v.*.sass | head -1)
  echo "== $v ($(wc -l < "$f") lines): first BAR.SYNC / LDG lines in E0"
  awk '/DispatchKernelILNS_10A2aLlSendsE0/{f=1} f&&/Function : /&&!/SendsE0/{f=0} f&&/BAR.SYNC|LDG/{print NR": "$0}' "$f" | head -14
done
gzip "$OUT"/*.sass
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head hoist hoistcg 2>&1 | tail -13 |
  sed 's/iterations:[0-9]*\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
