#!/usr/bin/env bash
# Stop 19 run 3: what the lines path gains without the row path's code in its kernels. cut / cutall:
# that code deleted (tools/tmpdiag/cut.py; timing at 1-8 rows only, where it does not run); oref /
# oallc: it out of line as __noinline__ functions taking the parameters by __restrict__ reference /
# with a local copy of KernelCommon (tools/tmpdiag/outline.py); s16 = 3ab6493. Then 128 rows.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/4-ab-cut $OUT/5-ab-outline128
PADGRAPH_AB_ROUNDS=3 OUT=$OUT/4-ab-cut tools/ab-bench.sh build-gpu 'dispatch_combine/world:[24]/a2a_ll/rows:(1|8)/sms:(32|128)/' s16 head cut cutall oref oallc 2>&1 | sed 's|/iterations:15/manual_time||; s|dispatch_combine/||' | tee $OUT/4-ab-cut/table.txt
PADGRAPH_AB_ROUNDS=2 OUT=$OUT/5-ab-outline128 tools/ab-bench.sh build-gpu 'dispatch_combine/world:[24]/a2a_ll(_dedup)?/rows:128/sms:(64|128)/' head oref oallc 2>&1 | sed 's|/iterations:15/manual_time||; s|dispatch_combine/||' | tee $OUT/5-ab-outline128/table.txt
cd $OUT && tar -czf run3.tgz 4-ab-cut 5-ab-outline128
