#!/usr/bin/env bash
# Stop 36 call 6: LinesFloorDeliversEveryRowBitForBit, 80 runs, after the ranks meet
# between legs (a2a_ll_test, the working tree: every team meets, by its threads' barrier), on 2
# GPUs and 2 / 4 loopback ranks.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for b in a2a_ll_test; do
  timeout 200 build-gpu/tests/$b --gtest_filter='Teams/A2aLlTest.LinesFloor*' --gtest_repeat=80 \
    > "$OUT/$b.log" 2>&1
  echo "$b rc=$? ok $(grep -c '^\[       OK' "$OUT/$b.log") failed $(grep -c '^\[  FAILED  \] Teams' "$OUT/$b.log")"
  grep "^\[  FAILED  \] Teams" "$OUT/$b.log" | sort | uniq -c | head
done
