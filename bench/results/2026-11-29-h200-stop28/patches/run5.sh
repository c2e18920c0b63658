#!/usr/bin/env bash
# Stop 28, call 5 (one H200, loopback ranks): call 4 again at 1-8 rows (call 4 asked for 0 rows,
# which the benchmark refuses; its 0-row cases run anyway): c2 (fe3de27), head, nocopy (no copy loop;
# timing only), noscan (no once_in scan; timing only), noinline (the copy loop out of line), 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,8 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=120
mkdir -p $OUT/small && OUT=$OUT/small tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:' c2 head nocopy noscan noinline 2>&1 | tail -12 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz small) && rm -rf $OUT/small
