#!/usr/bin/env bash
# Stop 20, call 9 (one H200), at f74f80a (three dispatch instances): (a) loopback A/B against stop
# 19's kernels and no1 (call 8's variant, the same SASS); (b) every gpu / multi_gpu CTest case one
# GPU runs; (c) memcheck of three loopback cases covering the three instances.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT1=$OUT; export OUT=$OUT1/ab; mkdir -p $OUT
PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32,64,128 PADGRAPH_AB_ROUNDS=5 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll(_row_path)?/rows:' s19 head no1 2>&1 | tee $OUT1/ab.txt
(cd $OUT1 && tar -czf ab.tar.gz ab && rm -rf ab)
timeout 300 ctest --test-dir build-gpu -L 'gpu|multi_gpu' -j1 --output-on-failure > $OUT1/ctest.log 2>&1; echo "ctest rc $?"
grep -E "tests passed|tests failed|Total Test" $OUT1/ctest.log | tail -3
s=/usr/local/cuda/bin/compute-sanitizer
for spec in "GraphOfManyLayersEqualsEagerBitForBit/2ranks_on_1gpu 170" "ListOfLinesToSendAtItsBound/2ranks_on_1gpu 90" "RowsOncePerRankMatchTheReference/2ranks_on_1gpu 120"; do
  c=${spec% *}; limit=${spec#* }
  n=$(echo $c | tr '/' '_')
  timeout $limit $s --tool memcheck --leak-check no --report-api-errors no --error-exitcode 86 build-gpu/tests/a2a_ll_test --gtest_filter="Teams/A2aLlTest.$c" > $OUT1/memcheck_$n.log 2>&1
  echo "$c rc $? $(grep 'ERROR SUMMARY' $OUT1/memcheck_$n.log | tail -1) $(grep -E '^\[  (PASSED|FAILED)' $OUT1/memcheck_$n.log | tr '\n' ' ')"
done
