#!/usr/bin/env bash
# Stop 28, call 4 (one H200, loopback ranks): where the 0.2-0.5 us that head (the copies of spread
# rows once per rank over the grid) added at 0-1 rows comes from: c2 (fe3de27), head, nocopy (no
# copy loop; timing only), noscan (no once_in scan; timing only), noinline (the copy loop out of
# line) at 0-8 rows, 5 rounds; then c2 / head / noinline with rows once per rank at 64-128 rows.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=0,1,8 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=120
mkdir -p $OUT/small && OUT=$OUT/small tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:' c2 head nocopy noscan noinline 2>&1 | tail -12 | sed -E 's/iterations:15.manual_time//'
export PADGRAPH_DISPATCH_ROWS=64,96,128
mkdir -p $OUT/once && OUT=$OUT/once tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll_dedup/rows:' c2 head noinline 2>&1 | tail -8 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz small once) && rm -rf $OUT/small $OUT/once
