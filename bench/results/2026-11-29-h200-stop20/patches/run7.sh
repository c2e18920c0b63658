#!/usr/bin/env bash
# Stop 20, call 7 (one H200), at 0b0bbe6: (a) loopback A/B of stop 19's kernels, 0b0bbe6 (the
# dispatch's one-unit instance) and c1 (also a combine instance: the list's lines one unit at a
# time, no sum of rows back); (b) every gpu / multi_gpu CTest case this one GPU runs.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT1=$OUT; export OUT=$OUT1/ab; mkdir -p $OUT
PADGRAPH_DISPATCH_ROWS=1,2,4,8,128 PADGRAPH_AB_ROUNDS=5 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:' s19 head c1 2>&1 | tee $OUT1/ab.txt
(cd $OUT1 && tar -czf ab.tar.gz ab && rm -rf ab)
timeout 420 ctest --test-dir build-gpu -L 'gpu|multi_gpu' -j1 --output-on-failure > $OUT1/ctest.log 2>&1; echo "ctest rc $?"
grep -E "tests passed|tests failed|Failed|Total Test" $OUT1/ctest.log | tail -6
