#!/usr/bin/env bash
# Stop 20, call 11 (one H200, loopback ranks): alls (timing only: the lines instance's receive
# without the row-flag waits and rows-once copies, as if every rank were known to send lines)
# against f74f80a, at 0-4 rows where every rank sends lines.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT1=$OUT; export OUT=$OUT1/ab; mkdir -p $OUT
PADGRAPH_DISPATCH_ROWS=1,2,4 PADGRAPH_AB_ROUNDS=5 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:' head alls 2>&1 | tee $OUT1/ab.txt
(cd $OUT1 && tar -czf ab.tar.gz ab && rm -rf ab)
