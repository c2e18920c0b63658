#!/usr/bin/env bash
# Stop 23, call 14 (one H200, loopback ranks): the rows-once slowdown of cfedbce+4ba62c5: head without TouchParams (notp), head with
# OwnerOf and LocalExpertOf by the operators (nodivown), against head and base (49737aa), rows
# once per rank (a2a_ll_dedup) at 64 and 128 rows, 2 and 4 ranks,
# 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll_dedup/rows:(64|128)/' base head notp nodivown 2>&1 | tail -6
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
