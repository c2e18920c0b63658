#!/usr/bin/env bash
# Stop 35 call 5: the shared-memory k-order sum with its loads ahead of its adds (working tree:
# a part's words [word][pair], four 16-byte loads a lane): a2a_ll_test (LinesAndRowsSumAlike
# included); A/B head0 (5e4ee12) / narrow (out of k order) / smem4 (call 3) / head at 1-16 rows.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
timeout 200 build-gpu/tests/a2a_ll_test > "$OUT/a2a_ll_test.log" 2>&1
echo "a2a_ll_test rc=$? $(grep -E '^\[  (PASSED|FAILED|SKIPPED)' "$OUT/a2a_ll_test.log" | tr '\n' ' ')"
grep -m5 "FAILED\|differ" "$OUT/a2a_ll_test.log"
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head0 narrow smem4 head 2>&1 | tail -16 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
