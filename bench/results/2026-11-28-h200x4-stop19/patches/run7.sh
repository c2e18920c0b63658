#!/usr/bin/env bash
# Stop 19 run 7: slim (tools/tmpdiag/slim.py: the waits' and the jitter's code shared, not inlined at
# every use) against head, loopback ranks on one GPU; NVLink ranks too when the machine has them.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT; mkdir -p $root/10-ab-slim
n=$(nvidia-smi -L | wc -l)
filter='loopback/world:[24]/a2a_ll/rows:(1|8|128)/'
((n >= 2)) && filter="$filter|dispatch_combine/world:[24]/a2a_ll(_dedup)?/rows:(1|8|128)/"
PADGRAPH_AB_ROUNDS=3 OUT=$root/10-ab-slim tools/ab-bench.sh build-gpu "$filter" head slim 2>&1 | sed 's|/iterations:15/manual_time||; s|dispatch_combine/||' | tee $root/10-ab-slim/table.txt
cd $root && tar -czf run7.tgz 10-ab-slim
