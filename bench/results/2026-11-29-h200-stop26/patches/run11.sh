#!/usr/bin/env bash
# Stop 26, call 11 (one H200, loopback ranks) at the tree's final head: tools/issue4-check.sh (the
# GPU tests and the SASS order check, lsa_gather's exchange kernel included) and the head's
# benchmark at 1 / 8 / 128 rows on 2 ranks at 32 SMs, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu 2>&1 | tail -7
cat $OUT/tests/sass_copy_order.log | cut -c1-120
(cd $OUT/tests && tar -czf ../tests.tgz . ) && rm -rf $OUT/tests
export PADGRAPH_DISPATCH_ROWS=1,8,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:2/a2a_ll/rows:(1|8|128)/sms:32' head 2>&1 | tail -4 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
