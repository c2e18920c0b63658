#!/usr/bin/env bash
# Stop 25, call 9 (one H200, loopback ranks) at the tree's head (the list of rows to send only; the line sends left on the count; block 0's stores for the combine after its line sends):
# the GPU tests, compute-sanitizer memcheck of two 2-rank
# loopback cases, prev (51bce5e, the stop's start) against head (0-128 rows on 2 ranks at 16 and 32
# SMs and 4 at 16, 1 and 8 rows on 8 ranks at 8; 5 rounds), and the timeline variant at 1 and 8
# rows on 2 ranks at 32 SMs.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu 2>&1 | tail -6
(cd $OUT/tests && tar -czf ../tests.tgz . ) && rm -rf $OUT/tests
timeout 200 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --leak-check no --report-api-errors no \
  --error-exitcode 86 build-gpu/tests/a2a_ll_test \
  --gtest_filter='Teams/A2aLlTest.GraphOfManyLayersEqualsEagerBitForBit/2ranks_on_1gpu:Teams/A2aLlTest.ListOfLinesToSendAtItsBound/2ranks_on_1gpu' > $OUT/sanitize.log 2>&1
echo "sanitize rc $?"; grep -E "ERROR SUMMARY|^\[  (PASSED|FAILED) " $OUT/sanitize.log | head -6
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32,128 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:(0|1|2|4|8|16|32|128)/|8/a2a_ll/rows:(1|8)/)' prev head 2>&1 | tail -27 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
for r in 1 8; do
  PADGRAPH_DISPATCH_ROWS=$r timeout 60 build-gpu/bench/dispatch_combine_bench_timeline --benchmark_filter="loopback/world:2/a2a_ll/rows:$r/sms:32" > $OUT/timeline.rows$r.log 2>&1
  echo "== timeline rows $r rc $?"; grep -E "^(TL|CK)|manual_time" $OUT/timeline.rows$r.log | grep -v "^TL" | sed -E 's/ +/ /g' | cut -c1-150
done
(cd $OUT && tar -czf timeline.tgz timeline.*.log && rm timeline.*.log)
