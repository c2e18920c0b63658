#!/usr/bin/env bash
# Stop 37 call 9 (tree c5999d6): timelines (bench/results/2026-11-30-h200-stop37/patches/times.py, %globaltimer of thread 0 of
# every block, the last launch, rank 0) of head and hoist at 1 and 8 rows, 32 and 128 SMs, two runs.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for run in 1 2; do
  for v in thead thoist; do
    PADGRAPH_DISPATCH_ROWS=1,8 timeout 120 build-gpu/bench/dispatch_combine_bench_$v \
      --benchmark_filter='dispatch_combine/world:2/a2a_ll/rows:(1|8)/sms:(32|128)/' \
      > "$OUT/$v.$run.log" 2>&1
    echo "== $v run $run"; grep -E '^times|a2a_ll/rows' "$OUT/$v.$run.log" | sed 's/iterations:[0-9]*\/manual_time//' | cut -c1-250
  done
done
