#!/usr/bin/env bash
# Timelines (tools/tmpdiag/times10.py) of f842ee2's kernels (head0t) and the working tree's (headt)
# at 1 and 8 rows, 32 and 128 SMs, one copy per pair, two runs each, alternating.
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p "$OUT"
for round in 1 2; do
  for v in head0t headt; do
    PADGRAPH_DISPATCH_ROWS=1,8 timeout 120 build-gpu/bench/dispatch_combine_bench_$v \
      --benchmark_filter='dispatch_combine/world:2/a2a_ll/rows:(1|8)/sms:(32|128)/' \
      > "$OUT/$v.$round.log" 2>&1
    echo "== $v round $round"
    grep -E "^times|median_us" "$OUT/$v.$round.log" | sed -E 's/.*(median_us=[0-9.]+).*/  \1/'
  done
done
