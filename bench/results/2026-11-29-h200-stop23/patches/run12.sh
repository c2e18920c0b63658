#!/usr/bin/env bash
# Stop 23, call 12 (one H200, loopback ranks), the stop's final call at 43fc094: (a) the GPU tests;
# (b) the stop's start (base, 49737aa) against head, 0-128 rows on 2 and 4 ranks, 1 and 8 rows on
# 8, rows once per rank at 64 and 128 rows on 2 and 4, 3 rounds; (c) the timeline variant at 1
# and 4 rows on 2 ranks; (d) compute-sanitizer memcheck over two loopback cases of a2a_ll_test.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu 2>&1 | tail -6
(cd $OUT/tests && tar -czf ../tests.tgz . ) && rm -rf $OUT/tests
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,32,64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:(0|1|2|4|8|32|128)/|8/a2a_ll/rows:(1|8)/|[24]/a2a_ll_dedup/rows:(64|128)/)' base head 2>&1 | tail -22
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
for f in 'loopback/world:2/a2a_ll/rows:1/' 'loopback/world:2/a2a_ll/rows:4/'; do
  n=timeline.$(echo $f | tr '/:' '__')
  PADGRAPH_DISPATCH_ROWS=1,4 timeout 60 build-gpu/bench/dispatch_combine_bench_timeline --benchmark_filter="$f" > $OUT/$n.log 2>&1
  echo "== $f rc $?"; grep -E "^TL|manual_time" $OUT/$n.log | sed -E 's/ +/ /g' | cut -c1-170
done
(cd $OUT && tar -czf timeline.tgz timeline.*.log && rm timeline.*.log)
timeout 170 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --leak-check no --report-api-errors no \
  --error-exitcode 86 build-gpu/tests/a2a_ll_test \
  --gtest_filter='Teams/A2aLlTest.GraphOfManyLayersEqualsEagerBitForBit/2ranks_on_1gpu:Teams/A2aLlTest.ListOfLinesToSendAtItsBound/2ranks_on_1gpu' > $OUT/sanitize.log 2>&1
echo "sanitize rc $?"; grep -E "ERROR SUMMARY|^\[  (PASSED|FAILED) |^\[  FAILED  \]|DeadlineExceeded|deadline" $OUT/sanitize.log | head -6
