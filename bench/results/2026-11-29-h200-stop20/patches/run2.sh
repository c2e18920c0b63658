#!/usr/bin/env bash
# Stop 20, call 2 (one H200, loopback ranks): the combine's one-unit instance too (head) against
# the dispatch's alone (d1) and stop 19's build; then a2a_ll_test's loopback teams.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT1=$OUT; export OUT=$OUT1/ab; mkdir -p $OUT
PADGRAPH_AB_ROUNDS=5 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(0|1|8|128)/' s19 d1 head 2>&1 | tee $OUT1/ab.txt
build-gpu/tests/a2a_ll_test --gtest_filter='*on_1gpu*:A2aLlArgumentsTest.*:A2aLlVersionTest.*' > $OUT1/a2a_ll_test.log 2>&1; echo "a2a_ll_test rc $?"
grep -E "^\[  (PASSED|FAILED)|FAILED|tests ran" $OUT1/a2a_ll_test.log | tail -8
