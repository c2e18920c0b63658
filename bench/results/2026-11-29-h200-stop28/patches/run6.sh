#!/usr/bin/env bash
# Stop 28, call 6 (one H200, loopback ranks): where rows once per rank spend their time at 64-128
# rows (fe3de27), by subtractive probes (timing only, the benchmark's check ignored;
# patches/probe.py): nocopies (the peer's copies of rows sent once), nopartial (the peer's partial
# sums), nosum (the source's final sum); one copy per pair beside them. 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=120
mkdir -p $OUT/probes && OUT=$OUT/probes tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll(_dedup)?/rows:(64|128)/' head nocopies nopartial nosum 2>&1 | tail -10 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz probes) && rm -rf $OUT/probes
