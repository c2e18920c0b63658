#!/usr/bin/env bash
# 32-bit slot-table masks (working tree on f842ee2): the GPU tests (stop 26's run-next.sh
# PART=tests), then head0 (f842ee2's kernels) / head, 1-128 rows, 3 rounds.
mkdir -p "$OUT"
PART=tests bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh > "$OUT/run-next.log" 2>&1
tar -xzf "$OUT/tests.tgz" -C /tmp && cat /tmp/tests/summary.txt
grep -h -B2 -A12 "Failure\|FAILED\|expired\|DeadlineExceeded" /tmp/tests/*.log 2>/dev/null | head -40
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32,64,128 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll(_dedup)?/' head0 head 2>&1 | tail -60 | sed 's/iterations:15\/manual_time//'
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
