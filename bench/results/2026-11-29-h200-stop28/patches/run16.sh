#!/usr/bin/env bash
# Stop 28, call 16 (one H200, loopback ranks): where one copy per pair spends its time at 8-128 rows
# (fdfa47d), by subtractive probes (timing only, the benchmark's check ignored; patches/probe2.py):
# nodcopy (the dispatch's spread copies), nocsend (the combine's rows back), nosum (the source's
# final sum), none (all three left out); 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=8,32,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=120
mkdir -p $OUT/probes && OUT=$OUT/probes tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(8|32|128)/' head nodcopy nocsend nosum none 2>&1 | tail -12 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz probes) && rm -rf $OUT/probes
