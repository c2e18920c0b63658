#!/usr/bin/env bash
# (Folder 1, as run here: the single-unit bound; d1 in folder 2 is that build, head there is patches/combine-instance.diff.)
# Stop 20, call 1 (one H200, loopback ranks): the one-unit dispatch instance against stop 19's
# build and u1, then a2a_ll_test's loopback teams.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
PADGRAPH_AB_ROUNDS=3 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(0|1|8|32|128)/' s19 head u1 2>&1 | tee $OUT/ab.txt
build-gpu/tests/a2a_ll_test --gtest_filter='*on_1gpu*:A2aLlArgumentsTest.*:A2aLlVersionTest.*' > $OUT/a2a_ll_test.log 2>&1; echo "a2a_ll_test rc $?"
grep -E "^\[  (PASSED|FAILED)|FAILED|tests ran" $OUT/a2a_ll_test.log | tail -8
