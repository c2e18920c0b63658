#!/usr/bin/env bash
# Stop 35 call 7: the k-order narrow sum through shared memory for top_k <= 8 (working tree): the
# GPU tests (stop 26's run-next.sh PART=tests), memcheck of ListOfLinesToSendAtItsBound and
# LinesAndRowsSumAlikeBitForBit (both launch the narrow instance), A/B head0 (5e4ee12) / narrow
# (stop 34 call 12, out of k order) / head at 1-32 rows.
mkdir -p "$OUT"
PART=tests bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh > "$OUT/run-next.log" 2>&1
tar -xzf "$OUT/tests.tgz" -C /tmp && cat /tmp/tests/summary.txt
grep -h -B2 -A12 "Failure\|FAILED" /tmp/tests/*.log 2>/dev/null | head -30
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
m='Teams/A2aLlTest.ListOfLinesToSendAtItsBound/2gpus:Teams/A2aLlTest.LinesAndRowsSumAlikeBitForBit/2gpus'
timeout 200 "$sanitizer" --tool memcheck --leak-check no --report-api-errors no \
  --target-processes all --error-exitcode 86 build-gpu/tests/a2a_ll_test --gtest_filter="$m" \
  > "$OUT/memcheck.log" 2>&1
echo "memcheck rc=$? $(grep -E 'ERROR SUMMARY' "$OUT/memcheck.log" | tail -1) $(grep -E '^\[  (PASSED|FAILED)' "$OUT/memcheck.log" | tr '\n' ' ')"
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head0 narrow head 2>&1 | tail -19 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
