#!/usr/bin/env bash
# Stop 20, call 4 (one H200, loopback ranks): where the one-unit instance stops paying. head takes
# it when every warp has at most one unit, w2 / w4 at most two / four (loopback: 256 warps, line_rows
# 4, 240 units a row); s19 is stop 19's kernels. Then a2a_ll_test's loopback teams.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT1=$OUT; export OUT=$OUT1/ab; mkdir -p $OUT
PADGRAPH_DISPATCH_ROWS=1,2,3,4 PADGRAPH_AB_ROUNDS=5 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:[1-4]/' s19 head w2 w4 2>&1 | tee $OUT1/ab.txt
(cd $OUT1 && tar -czf ab.tar.gz ab && rm -rf ab)
build-gpu/tests/a2a_ll_test --gtest_filter='*on_1gpu*:A2aLlArgumentsTest.*:A2aLlVersionTest.*' > $OUT1/a2a_ll_test.log 2>&1; echo "a2a_ll_test rc $?"
grep -E "^\[  (PASSED|FAILED)|FAILED|tests ran" $OUT1/a2a_ll_test.log | tail -8
