#!/usr/bin/env bash
# Stop 24, call 8 (one H200, loopback ranks) at 6899ebc: the dispatch's order after its slot table
# (reorder.py): late (block 0's stores for the combine after the lines), wlast (the words from the
# grid's last blocks), both, against head, 16 SMs (2, 4 ranks; 8 at 8 SMs); revsum32 (= head)
# against both32 at 32 SMs (2 ranks); 0-128 rows, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:(0|1|2|4|8|16|32|128)/|8/a2a_ll/rows:(1|8)/)' head late wlast both 2>&1 | tail -19 | sed -E 's/iterations:15.manual_time//'
OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:2/a2a_ll/rows:(0|1|2|4|8|16|32|128)/' revsum32 both32 2>&1 | tail -9 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
