#!/usr/bin/env bash
# Stop 24, call 13 (one H200, loopback ranks) at 0c2a480: causal profiling (causal.py): head
# against six variants that each spin 2,000 cycles (about 1 us) at one place, 1 and 4 rows on 2
# ranks (16 and 32 SMs), 1 row on 4, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,4 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:(2/a2a_ll/rows:(1|4)/|4/a2a_ll/rows:1/)' head d_send d_recv d_end c_send c_sum c_end 2>&1 | tail -6 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
