#!/usr/bin/env bash
# Stop 19 run 4b (one H200: the 2- and 4-GPU kinds were not lent): a2a_ll_test's loopback teams at
# 7ef16d6 (the new graph-of-layers and jitter shapes included). First, whether the 1-8-row loss since
# stop 16 shows between loopback ranks too (s16, s17a, s17b, s17 as in run 1; cutall as in run 3;
# noded as in run 4).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT
mkdir -p $root/6a-ab-loopback $root/6b-loopback
PADGRAPH_AB_ROUNDS=3 OUT=$root/6a-ab-loopback tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(1|8)/' s16 s17a s17b s17 head cutall noded 2>&1 | sed 's|/iterations:15/manual_time||' | tee $root/6a-ab-loopback/table.txt
nvidia-smi -L > $root/6b-loopback/gpus.txt; cat build-gpu/COMMIT >> $root/6b-loopback/gpus.txt
timeout 300 build-gpu/tests/a2a_ll_test --gtest_filter='*on_1gpu*:A2aLlArgumentsTest.*:A2aLlVersionTest.*' > $root/6b-loopback/a2a_ll_test.log 2>&1; echo "a2a_ll_test loopback rc $?"
grep -E "^\[  (PASSED|FAILED|SKIPPED) |OK \].*(GraphOfMany|RowsOncePerRank)" $root/6b-loopback/a2a_ll_test.log
cd $root && tar -czf run4b.tgz 6a-ab-loopback 6b-loopback
