#!/usr/bin/env bash
# Stop 20, call 12 (one H200), at the final tree: every gpu / multi_gpu CTest case one GPU runs
# (a2a_ll's loopback teams now also pass 0 padded rows for idle ranks), and the loopback A/B
# against stop 19's kernels once more (the SASS is f74f80a's).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
timeout 300 ctest --test-dir build-gpu -L 'gpu|multi_gpu' -j1 --output-on-failure > $OUT/ctest.log 2>&1; echo "ctest rc $?"
grep -E "tests passed|tests failed|Total Test" $OUT/ctest.log | tail -3
OUT1=$OUT; export OUT=$OUT1/ab; mkdir -p $OUT
PADGRAPH_DISPATCH_ROWS=1,8,128 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:' s19 head 2>&1 | tee $OUT1/ab.txt
(cd $OUT1 && tar -czf ab.tar.gz ab && rm -rf ab)
