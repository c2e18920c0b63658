#!/usr/bin/env bash
# Stop 37 call 4 (tree c5999d6 + sbt3: sbt2 with each warp's count words after its line sends, so
# that no load of x follows a word's store): A/B head / sbt2 / sbt3 at 1-16 rows, three rounds;
# then a2a_ll_test on sbt3.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head sbt2 sbt3 2>&1 | tail -16 |
  sed 's/iterations:[0-9]*\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
timeout 300 build-gpu/tests/a2a_ll_test_sbt3 > "$OUT/a2a_ll_test_sbt3.log" 2>&1
echo "a2a_ll_test_sbt3 rc=$? $(grep -E '^\[  (PASSED|FAILED)' "$OUT/a2a_ll_test_sbt3.log" | tr '\n' ' ')"
grep -E '^\[  FAILED' "$OUT/a2a_ll_test_sbt3.log" | head
