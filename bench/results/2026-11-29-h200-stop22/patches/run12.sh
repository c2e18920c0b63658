#!/usr/bin/env bash
# Stop 22, call 15 (one H200, loopback ranks): "nomatch" (the two __match_any_sync as shuffles)
# against head (5d28f49), 0-128 rows, 2 and 4 ranks, one copy per pair and the default, 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0 PADGRAPH_DISPATCH_ROWS=1,2,4,8,32,128 PADGRAPH_AB_ROUNDS=5
nvidia-smi -L; cat build-gpu/COMMIT
tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll(_dedup)?/rows:' head nomatch 2>&1 | tail -40
cd $OUT && tar -czf ab.tgz *.json *.log && rm -f *.json *.log
