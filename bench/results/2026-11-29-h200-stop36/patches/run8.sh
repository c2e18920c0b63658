#!/usr/bin/env bash
# Stop 36 call 8 (after review): the lines' floor test with every rank leaving together when one
# fails a leg, 40 runs; then all of a2a_ll_test (the new test's coverage asserts among it).
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
timeout 150 build-gpu/tests/a2a_ll_test --gtest_filter='Teams/A2aLlTest.LinesFloor*' \
  --gtest_repeat=40 > "$OUT/floor.log" 2>&1
echo "floor x40 rc=$? ok $(grep -c '^\[       OK' "$OUT/floor.log") failed $(grep -c '^\[  FAILED  \] Teams.*ms)$' "$OUT/floor.log")"
timeout 200 build-gpu/tests/a2a_ll_test > "$OUT/a2a_ll_test.log" 2>&1
echo "a2a_ll_test rc=$? $(grep -E '^\[  (PASSED|FAILED)' "$OUT/a2a_ll_test.log" | tr '\n' ' ')"
grep -m5 "FAILED\|differ" "$OUT/a2a_ll_test.log"
