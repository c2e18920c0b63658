#!/usr/bin/env bash
# Stop 36 call 7 (tree 7c321ea): the narrow line sum with its weights and words selected to 0 for
# pairs not valid instead of predicated adds (patches/selsum.py): the line-sum and reference tests
# on a2a_ll_test_selsum; its combine SASS; A/B head / selsum at 1-8 rows, three rounds.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
timeout 120 build-gpu/tests/a2a_ll_test_selsum \
  --gtest_filter='Teams/A2aLlTest.LinesAndRowsSumAlikeBitForBit/*:Teams/A2aLlTest.RandomDistributionsMatchTheReference/*' \
  > "$OUT/a2a_ll_test_selsum.log" 2>&1
echo "a2a_ll_test_selsum rc=$? $(grep -E '^\[  (PASSED|FAILED)' "$OUT/a2a_ll_test_selsum.log" | tr '\n' ' ')"
cuobjdump=$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)
"$cuobjdump" -sass build-gpu/bench/dispatch_combine_bench_selsum | gzip > "$OUT/selsum.sass.gz"
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head selsum 2>&1 | tail -13 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
