#!/usr/bin/env bash
# Stop 22, call 7 (one H200, loopback ranks): "cg" (every __ldg in a2a_ll.cu as __ldcg) against
# head, 0-128 rows, 2 and 4 ranks, 5 rounds; then the fine stamps with cg at 1 row.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0 PADGRAPH_DISPATCH_ROWS=1,2,4,8,32,128 PADGRAPH_AB_ROUNDS=5
nvidia-smi -L; cat build-gpu/COMMIT
for f in 'loopback/world:2/a2a_ll/rows:1/'; do
  for v in fine cgfine; do
    echo "== $v $f"
    timeout 60 build-gpu/bench/dispatch_combine_bench_$v --benchmark_filter="$f" 2>&1 | grep -E "^F|^TL|manual_time" | sed -E 's/ +/ /g' | cut -c1-170
  done
done
tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll(_dedup)?/rows:' head cg 2>&1 | tail -40
cd $OUT && tar -czf ab.tgz *.json *.log && rm -f *.json *.log
