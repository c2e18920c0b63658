#!/usr/bin/env bash
# Stop 37 call 2 (tree c5999d6 + sbt1.diff: the lines-only dispatch's count words and line sends
# before its slot table, each warp placing its pairs by ballots over the ids it holds): A/B head /
# sbt1 at 1-16 rows, three rounds; then a2a_ll_test on sbt1.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head sbt1 2>&1 | tail -16 |
  sed 's/iterations:[0-9]*\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
timeout 300 build-gpu/tests/a2a_ll_test_sbt1 > "$OUT/a2a_ll_test_sbt1.log" 2>&1
echo "a2a_ll_test_sbt1 rc=$? $(grep -E '^\[  (PASSED|FAILED)' "$OUT/a2a_ll_test_sbt1.log" | tr '\n' ' ')"
grep -E '^\[  FAILED' "$OUT/a2a_ll_test_sbt1.log" | head
