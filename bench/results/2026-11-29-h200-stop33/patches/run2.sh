#!/usr/bin/env bash
# The GPU tests at f842ee2 (stop 26's run-next.sh PART=tests), then memcheck of the lines' floor.
PART=tests bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh > "$OUT/run-next.log" 2>&1
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p "$OUT/sanitize"
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
timeout 200 "$sanitizer" --tool memcheck --leak-check no --report-api-errors no \
  --target-processes all --error-exitcode 86 build-gpu/tests/a2a_ll_test \
  --gtest_filter='Teams/A2aLlTest.LinesFloorDeliversEveryRowBitForBit/2gpus' \
  > "$OUT/sanitize/two_gpus_a2a_ll_lines_floor.log" 2>&1
echo "sanitize rc=$?"
grep -E "ERROR SUMMARY|^\[  (PASSED|FAILED|SKIPPED) " "$OUT/sanitize/two_gpus_a2a_ll_lines_floor.log"
tar -xzf "$OUT/tests.tgz" -C /tmp && cat /tmp/tests/summary.txt
