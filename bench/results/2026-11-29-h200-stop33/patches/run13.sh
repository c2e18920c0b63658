#!/usr/bin/env bash
# The table at c0e88b6 (stop 26's run-next.sh PART=table, torch beside), then memcheck of the
# dispatch's a2a_ll cases (tools/sanitize.sh's two a2a_ll_test cases on 2 GPUs).
mkdir -p "$OUT"
PART=table bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh > "$OUT/run-next.log" 2>&1
tar -xzf "$OUT/table.tgz" -C /tmp && sed -n '1,15p;/^ W rows/,/^loopback/p' /tmp/table/table.txt
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p "$OUT/sanitize"
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
for f in 'Teams/A2aLlTest.GraphOfManyLayersEqualsEagerBitForBit/2gpus:Teams/A2aLlTest.ListOfLinesToSendAtItsBound/2gpus' \
         'Teams/A2aLlTest.RowsOncePerRankMatchTheReference/2gpus'; do
  name=$(echo "$f" | cut -d. -f2 | cut -d/ -f1)
  timeout 150 "$sanitizer" --tool memcheck --leak-check no --report-api-errors no \
    --target-processes all --error-exitcode 86 build-gpu/tests/a2a_ll_test --gtest_filter="$f" \
    > "$OUT/sanitize/$name.log" 2>&1
  echo "$name rc=$? $(grep -E 'ERROR SUMMARY' "$OUT/sanitize/$name.log" | tail -1) $(grep -E '^\[  (PASSED|FAILED)' "$OUT/sanitize/$name.log" | tr '\n' ' ')"
done
