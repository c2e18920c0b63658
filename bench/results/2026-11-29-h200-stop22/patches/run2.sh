#!/usr/bin/env bash
# Stop 22, call 2 (one H200, loopback ranks): polls that back off (__nanosleep 32 / 128 / 512 ns
# after each failed poll of a word or a line) against head, 0-32 rows, 2 and 4 ranks, 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0 PADGRAPH_DISPATCH_ROWS=1,2,8,32 PADGRAPH_AB_ROUNDS=5
nvidia-smi -L; cat build-gpu/COMMIT
tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:' head ns32 ns128 ns512 2>&1 | tail -40
