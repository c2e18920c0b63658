#!/usr/bin/env bash
# The helper's final form (working tree on 3903838): the GPU tests (stop 26's run-next.sh
# PART=tests). The line sum's width: the lines' floor fself / fssw (8 lines a warp) / fsw2 (two warps
# of 4 per token's four lines, floorsumsplit.py) / fsw8 (eight warps of 1) at 1, 8 rows.
mkdir -p "$OUT"
PART=tests bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh > "$OUT/run-next.log" 2>&1
tar -xzf "$OUT/tests.tgz" -C /tmp && cat /tmp/tests/summary.txt
grep -h -B2 -A12 "Failure\|FAILED" /tmp/tests/*.log 2>/dev/null | head -40
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
OUT=$OUT/abf PADGRAPH_DISPATCH_ROWS=1,8 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll_lines_floor/' fself fssw fsw2 fsw8 2>&1 | tail -7 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/abf-medians.txt"
(cd "$OUT" && tar -czf ab.tgz abf && rm -rf abf)
