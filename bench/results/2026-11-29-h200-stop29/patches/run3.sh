#!/usr/bin/env bash
# Stop 29, call 3 (2 x H200 over NVLink) at f72c624: (a) rank_dedup_rows' threshold on 2 GPUs:
# a2a_ll_dedup of head (the default: one copy per pair up to 48 rows) against `once` (once.py:
# every row-path source sends rows once per rank) at 16-64 rows, every SM budget, 3 rounds;
# (b) stop 28's PART=ab at 8 and 128 rows only (prev 67caf5d / s27 8add21a / head), 2 rounds.
# Built with tools/build-gpu.sh at f72c624, then stop 26's patches/build-variants.sh with
# prev=bench/results/2026-11-29-h200-stop27/patches/prev.py,
# s27=bench/results/2026-11-29-h200-stop28/patches/s27.py and
# once=bench/results/2026-11-29-h200-stop29/patches/once.py.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/thr $OUT/ab
OUT=$OUT/thr/runs PADGRAPH_DISPATCH_ROWS=16,24,32,40,48,64 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=80 \
  timeout 300 tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll(_dedup)?/rows:(16|24|32|40|48|64)/' \
  head once 2>&1 | tail -40 | sed -E 's/iterations:[0-9]+.manual_time//' > $OUT/thr/ab.txt
OUT=$OUT/ab/runs PADGRAPH_DISPATCH_ROWS=8,128 PADGRAPH_AB_ROUNDS=2 PADGRAPH_AB_TIMEOUT_S=80 \
  timeout 200 tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll(_dedup)?/rows:(8|128)/' \
  prev s27 head 2>&1 | tail -20 | sed -E 's/iterations:[0-9]+.manual_time//' > $OUT/ab/ab.txt
grep -l "checked=0\|mismatch\|ERROR" $OUT/*/runs/*.log 2>/dev/null | head
cat $OUT/thr/ab.txt $OUT/ab/ab.txt
(cd $OUT && tar -czf all.tgz thr ab && rm -rf thr ab)
