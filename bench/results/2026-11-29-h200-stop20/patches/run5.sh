#!/usr/bin/env bash
# Stop 20, call 5 (one H200, loopback ranks). (a) Beyond four units a warp: loopback with
# line_rows 8 (bench patched), the instance up to four units a warp (lr8) or eight (lr8w8), at
# 4-8 rows (3.75-7.5 units a warp). (b) The final build against stop 19's at 0-4 rows and 128.
# (c) a2a_ll_test's loopback teams; memcheck of two loopback cases that take the new instance.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT1=$OUT
export OUT=$OUT1/ab-lr8; mkdir -p $OUT
PADGRAPH_DISPATCH_ROWS=4,5,6,8 PADGRAPH_AB_ROUNDS=5 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:[4-8]/' lr8 lr8w8 2>&1 | tee $OUT1/ab-lr8.txt
export OUT=$OUT1/ab-final; mkdir -p $OUT
PADGRAPH_DISPATCH_ROWS=1,2,3,4,128 PADGRAPH_AB_ROUNDS=5 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:' s19 head 2>&1 | tee $OUT1/ab-final.txt
(cd $OUT1 && tar -czf ab.tar.gz ab-lr8 ab-final && rm -rf ab-lr8 ab-final)
build-gpu/tests/a2a_ll_test --gtest_filter='*on_1gpu*:A2aLlArgumentsTest.*:A2aLlVersionTest.*' > $OUT1/a2a_ll_test.log 2>&1; echo "a2a_ll_test rc $?"
grep -E "^\[  (PASSED|FAILED)|FAILED|tests ran" $OUT1/a2a_ll_test.log | tail -8
s=/usr/local/cuda/bin/compute-sanitizer
for spec in "ListOfLinesToSendAtItsBound/2ranks_on_1gpu 90" "RowsOncePerRankMatchTheReference/2ranks_on_1gpu 120"; do
  c=${spec% *}; limit=${spec#* }
  n=$(echo $c | tr '/' '_')
  timeout $limit $s --tool memcheck --leak-check no --report-api-errors no --error-exitcode 86 build-gpu/tests/a2a_ll_test --gtest_filter="Teams/A2aLlTest.$c" > $OUT1/memcheck_$n.log 2>&1
  echo "$c rc $? $(grep 'ERROR SUMMARY' $OUT1/memcheck_$n.log | tail -1) $(grep -E '^\[  (PASSED|FAILED)' $OUT1/memcheck_$n.log | tr '\n' ' ')"
done
