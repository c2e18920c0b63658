#!/usr/bin/env bash
# Stop 24, call 6 (one H200, loopback ranks) at 6899ebc (revsum): the GPU tests; head against
# cpreload (the combine's first rows loaded before its barrier) and pollsleep (diagnostic: 200 ns
# between polls of lines), 16 SMs (2, 4 ranks; 8 at 8 SMs), and revsum32 against cpreload32 (2
# ranks at 32 SMs), 0-128 rows, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu 2>&1 | tail -6
(cd $OUT/tests && tar -czf ../tests.tgz . ) && rm -rf $OUT/tests
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:(0|1|2|4|8|16|32|128)/|8/a2a_ll/rows:(1|8)/)' head cpreload pollsleep 2>&1 | tail -19 | sed -E 's/iterations:15.manual_time//'
OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:2/a2a_ll/rows:(0|1|2|4|8|16|32|128)/' revsum32 cpreload32 2>&1 | tail -9 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
