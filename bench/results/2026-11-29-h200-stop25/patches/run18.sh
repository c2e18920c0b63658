#!/usr/bin/env bash
# Stop 25, call 18 (one H200, loopback ranks) at 00c19cd: head against ownrows (a rank that sends
# lines sums its own pairs from expert_out instead of taking them back as lines), 2 ranks at 16
# and 32 SMs, 4 at 16, 0-16 rows, 5 rounds. Every case checked against float64 first.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(0|1|2|4|8|16)/' head ownrows 2>&1 | tail -19 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
