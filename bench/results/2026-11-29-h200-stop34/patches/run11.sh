#!/usr/bin/env bash
# The line sum one line a warp while the grid's warps hold every unit (working tree on cf9cc96):
# the GPU tests (stop 26's run-next.sh PART=tests); a2a_ll head0 (cf9cc96) / head at 1-32 rows.
mkdir -p "$OUT"
PART=tests bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh > "$OUT/run-next.log" 2>&1
tar -xzf "$OUT/tests.tgz" -C /tmp && cat /tmp/tests/summary.txt
grep -h -B2 -A12 "Failure\|FAILED" /tmp/tests/*.log 2>/dev/null | head -30
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head0 head 2>&1 | tail -19 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
