#!/usr/bin/env bash
# The narrow line sum as landed: compute-sanitizer memcheck of a2a_ll's many-layer case on 2 GPUs.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
f='Teams/A2aLlTest.GraphOfManyLayersEqualsEagerBitForBit/2gpus'
timeout 75 "$sanitizer" --tool memcheck --leak-check no --report-api-errors no \
  --target-processes all --error-exitcode 86 build-gpu/tests/a2a_ll_test --gtest_filter="$f" \
  > "$OUT/memcheck.log" 2>&1
echo "rc=$? $(grep -E 'ERROR SUMMARY' "$OUT/memcheck.log" | tail -1) $(grep -E '^\[  (PASSED|FAILED)' "$OUT/memcheck.log" | tr '\n' ' ')"
