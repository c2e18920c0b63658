#!/usr/bin/env bash
# Stop 35 call 10: after review, every line's first lane decides a long wait in AwaitLineParts (the
# narrow sum's lines await different pairs), and LinesAndRowsSumAlikeBitForBit also at top-5
# (working tree on 3a6bd47): a2a_ll_test (the expiry tests included); the SASS order check;
# A/B head0 (3a6bd47's kernels) / head at 1-8 rows.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
timeout 150 build-gpu/tests/a2a_ll_test > "$OUT/a2a_ll_test.log" 2>&1
echo "a2a_ll_test rc=$? $(grep -E '^\[  (PASSED|FAILED)' "$OUT/a2a_ll_test.log" | tr '\n' ' ')"
grep -m5 "FAILED\|differ" "$OUT/a2a_ll_test.log"
tools/sass-copy-order.sh build-gpu/bench/dispatch_combine_bench > "$OUT/sass.log" 2>&1
echo "sass_copy_order rc=$?"
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head0 head 2>&1 | tail -13 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
