#!/usr/bin/env bash
# Stop 28, call 8 (one H200, loopback ranks): the combine's partial sums of rows once per rank with
# more loads in flight per warp: head (fe3de27: 4 members' rows of 2 words per lane at once),
# pw4 (4 members, 4 words), pm2w4 (2 members, 4 words); 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,8,64,96,128 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=120
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll(_dedup)?/rows:' head pw4 pm2w4 2>&1 | tail -30 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz ab) && rm -rf $OUT/ab
