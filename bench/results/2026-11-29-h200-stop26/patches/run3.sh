#!/usr/bin/env bash
# Stop 26, call 3 (one H200, loopback ranks): row copies' loads. prev (97ca2ad: __ldg, the
# combine's copy L7 S1 L1 S7 in SASS), head (__ldca for launch inputs, __ldcg for rows that landed
# this launch: L8 S8 everywhere), cg (__ldcg for every copy), cgcomb (prev with only the combine's
# copy through __ldcg), fdivca (head with the row paths' owners by the FastDivisor); 1-128 rows,
# one copy per pair and the default, 2 ranks at 16 / 32 SMs and 4 at 16, 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,8,32,64,128 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=90
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll(_dedup)?/rows:([1-9])' prev head cg cgcomb fdivca 2>&1 | tail -27 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
