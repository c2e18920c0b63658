#!/usr/bin/env bash
# Stop 37 call 3 (tree c5999d6 + sbt2.diff: sbt1 with one barrier after the line sends, the one
# after the count words' wait, and block 0's list and the launch's stores at the kernel's end):
# A/B head / sbt2 at 1-16 rows, three rounds; then a2a_ll_test on sbt2.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head sbt2 2>&1 | tail -16 |
  sed 's/iterations:[0-9]*\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
timeout 300 build-gpu/tests/a2a_ll_test_sbt2 > "$OUT/a2a_ll_test_sbt2.log" 2>&1
echo "a2a_ll_test_sbt2 rc=$? $(grep -E '^\[  (PASSED|FAILED)' "$OUT/a2a_ll_test_sbt2.log" | tr '\n' ' ')"
grep -E '^\[  FAILED' "$OUT/a2a_ll_test_sbt2.log" | head
