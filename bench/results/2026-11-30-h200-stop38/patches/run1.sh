#!/usr/bin/env bash
# Stop 38 call 1 (tree 17ab7e7 + lpr.diff: a row's line count and line groups stored in the layout,
# not computed from its bytes in every warp): A/B head / lpr at 1-16 rows, three rounds; a2a_ll_test
# on lpr; the lines-only dispatch's SASS size in both.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
cuobjdump=$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)
for v in "" _lpr; do
  "$cuobjdump" -sass build-gpu/bench/dispatch_combine_bench$v > "$OUT/all$v.sass" 2>&1
  awk '/Function : .*DispatchKernelILNS_10A2aLlSendsE0/{f=1} /Function : /&&!/DispatchKernelILNS_10A2aLlSendsE0/{f=0} f' \
    "$OUT/all$v.sass" > "$OUT/e0$v.sass"
  echo "e0$v: $(grep -c '^ */\*[0-9a-f]*\*/' "$OUT/e0$v.sass") instructions"
  rm "$OUT/all$v.sass"; gzip "$OUT/e0$v.sass"
done
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head lpr 2>&1 | tail -16 |
  sed 's/iterations:[0-9]*\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
timeout 300 build-gpu/tests/a2a_ll_test_lpr > "$OUT/a2a_ll_test_lpr.log" 2>&1
echo "a2a_ll_test_lpr rc=$? $(grep -E '^\[  (PASSED|FAILED)' "$OUT/a2a_ll_test_lpr.log" | tr '\n' ' ')"
grep -E '^\[  FAILED' "$OUT/a2a_ll_test_lpr.log" | head
