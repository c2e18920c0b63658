#!/usr/bin/env bash
# The helper as landed (working tree on 3903838): compute-sanitizer memcheck of a2a_ll's cases
# that unpack lines (tools/sanitize.sh's a2a_ll layers and list bound, and lines' floor cases).
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
for f in 'Teams/A2aLlTest.GraphOfManyLayersEqualsEagerBitForBit/2gpus:Teams/A2aLlTest.ListOfLinesToSendAtItsBound/2gpus' \
         'Teams/A2aLlTest.LinesFloorDeliversEveryRowBitForBit/2gpus'; do
  name=$(echo "$f" | cut -d. -f2 | cut -d/ -f1)
  timeout 200 "$sanitizer" --tool memcheck --leak-check no --report-api-errors no \
    --target-processes all --error-exitcode 86 build-gpu/tests/a2a_ll_test --gtest_filter="$f" \
    > "$OUT/$name.log" 2>&1
  echo "$name rc=$? $(grep -E 'ERROR SUMMARY' "$OUT/$name.log" | tail -1) $(grep -E '^\[  (PASSED|FAILED)' "$OUT/$name.log" | tr '\n' ' ')"
done
