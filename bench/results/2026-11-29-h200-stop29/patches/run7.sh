#!/usr/bin/env bash
# Stop 29, call 7 (2 x H200 over NVLink) at 304af93: a2a_ll's line defaults against the kernels
# of today, one copy per pair, every SM budget, 3 rounds: head (line_rows a quarter of the budget,
# return_line_rows the budget) / rl128 (return_line_rows 128 everywhere) / lh (line_rows half the
# budget). Each variant built as OPTS=NAME bash bench/results/2026-11-29-h200-stop26/patches/
# build-variants.sh NAME=bench/results/2026-11-29-h200-stop29/patches/opts.py.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/opts
OUT=$OUT/opts/runs PADGRAPH_DISPATCH_ROWS=8,12,16,24,32,48,64,96,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=90 \
  timeout 400 tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll/rows:' \
  head rl128 lh 2>&1 | tail -30 | sed -E 's/iterations:[0-9]+.manual_time//' > $OUT/opts/ab.txt
grep -l "checked=0\|mismatch\|ERROR" $OUT/opts/runs/*.log 2>/dev/null | head
cat $OUT/opts/ab.txt
(cd $OUT && tar -czf all.tgz opts && rm -rf opts)
