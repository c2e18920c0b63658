#!/usr/bin/env bash
# Stop 37 call 8 (tree c5999d6 + hoist.diff: the lines-only dispatch loads each warp's first unit
# of x beside the ids, before its slot table): A/B head / hoist at 1-16 rows, three rounds;
# a2a_ll_test on hoist.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head hoist 2>&1 | tail -16 |
  sed 's/iterations:[0-9]*\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
timeout 300 build-gpu/tests/a2a_ll_test_hoist > "$OUT/a2a_ll_test_hoist.log" 2>&1
echo "a2a_ll_test_hoist rc=$? $(grep -E '^\[  (PASSED|FAILED)' "$OUT/a2a_ll_test_hoist.log" | tr '\n' ' ')"
grep -E '^\[  FAILED' "$OUT/a2a_ll_test_hoist.log" | head
