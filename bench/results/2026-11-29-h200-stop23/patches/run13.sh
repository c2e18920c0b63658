#!/usr/bin/env bash
# Stop 23, call 13 (one H200, loopback ranks): which of the stop's commits slowed rows once per
# rank (a2a_ll_dedup) at 64 and 128 rows: base (49737aa), tp (4ba62c5: FastDivisor and
# TouchParams), f87 (f87009a), ed50 (ed50b9e), 0138 (0138e59) and head (43fc094), 2 and 4 ranks,
# 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll_dedup/rows:(64|128)/' base tp f87 ed50 0138 head 2>&1 | tail -6
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
