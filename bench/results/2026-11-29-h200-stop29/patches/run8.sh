#!/usr/bin/env bash
# Stop 29, call 8 (2 x H200 over NVLink) at 304af93: candidate line defaults, one copy per pair,
# 3 rounds: head / l8 (line_rows = max_sms / 4 + 8) / r15 (return_line_rows = 1.5 x max_sms) /
# l8r15 (both), over NVLink at 8-128 rows on every budget, then between 2 and 4 loopback ranks on
# GPU 0 (16 SMs each; 2 ranks also 32). Each variant built as OPTS=NAME bash
# bench/results/2026-11-29-h200-stop26/patches/build-variants.sh
# NAME=bench/results/2026-11-29-h200-stop29/patches/opts.py (r15 rejects 128 SMs: 192 rows).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/nvlink $OUT/loopback
export PADGRAPH_DISPATCH_ROWS=8,12,16,20,24,28,32,36,40,44,48,56,64,80,96,112,128
OUT=$OUT/nvlink/runs PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=100 \
  timeout 260 tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll/rows:' \
  head l8 r15 l8r15 2>&1 | tail -52 | sed -E 's/iterations:[0-9]+.manual_time//' > $OUT/nvlink/ab.txt
OUT=$OUT/loopback/runs PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=100 \
  timeout 260 tools/ab-bench.sh build-gpu 'loopback/world:(2|4)/a2a_ll(_nvlink_sms)?/rows:' \
  head l8 r15 l8r15 2>&1 | tail -60 | sed -E 's/iterations:[0-9]+.manual_time//' > $OUT/loopback/ab.txt
grep -l "checked=0\|mismatch\|ERROR" $OUT/*/runs/*.log 2>/dev/null | head
cat $OUT/nvlink/ab.txt; cat $OUT/loopback/ab.txt | cut -c1-120
(cd $OUT && tar -czf all.tgz nvlink loopback && rm -rf nvlink loopback)
