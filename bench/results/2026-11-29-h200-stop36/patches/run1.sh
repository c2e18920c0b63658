#!/usr/bin/env bash
# Stop 36 call 1 (tree: 7e0dab8 + the new expiry test): the new test
# SlowRankFailsAtOnceWhereOnlyOtherLineGroupsAwaitPoison on a2a_ll_test (HEAD) and on
# a2a_ll_test_old (e1425c3's lane-0 decision put back, tools/tmpdiag/old_await.py), which it
# should fail; all of a2a_ll_test; the combine SASS of head and oldawait; tools/sanitize.sh.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
f='Teams/A2aLlTest.SlowRank*:Teams/A2aLlTest.Skipped*'
for b in a2a_ll_test_old a2a_ll_test; do
  timeout 100 build-gpu/tests/$b --gtest_filter="$f" > "$OUT/$b.expiry.log" 2>&1
  echo "$b expiry rc=$? $(grep -E '^\[  (PASSED|FAILED)|^\[ +(OK|FAILED) ' "$OUT/$b.expiry.log" | tr '\n' ' ')"
done
grep -h "rank 1\|Failure" "$OUT"/a2a_ll_test_old.expiry.log | head -12
timeout 150 build-gpu/tests/a2a_ll_test > "$OUT/a2a_ll_test.log" 2>&1
echo "a2a_ll_test rc=$? $(grep -E '^\[  (PASSED|FAILED)' "$OUT/a2a_ll_test.log" | tr '\n' ' ')"
grep -m5 "FAILED\|differ" "$OUT/a2a_ll_test.log"
cuobjdump=$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)
"$cuobjdump" -sass build-gpu/bench/dispatch_combine_bench_oldawait | gzip > "$OUT/oldawait.sass.gz"
"$cuobjdump" -sass build-gpu/bench/dispatch_combine_bench | gzip > "$OUT/head.sass.gz"
mkdir -p "$OUT/sanitize"
OUT=$OUT/sanitize tools/sanitize.sh build-gpu | tee "$OUT/sanitize.txt"
(cd "$OUT" && tar -czf sanitize.tgz sanitize && rm -rf sanitize)
