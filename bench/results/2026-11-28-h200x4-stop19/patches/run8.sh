#!/usr/bin/env bash
# Stop 19 run 8: owait (tools/tmpdiag/owait.py: the dispatch's wait for the row path's words out of
# line) against head, loopback ranks on one GPU; NVLink ranks too when the machine has them.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT; mkdir -p $root/11-ab-owait
n=$(nvidia-smi -L | wc -l)
filter='loopback/world:[24]/a2a_ll/rows:(1|8|128)/'
((n >= 2)) && filter="$filter|dispatch_combine/world:[24]/a2a_ll(_dedup)?/rows:(1|8|128)/"
PADGRAPH_AB_ROUNDS=3 OUT=$root/11-ab-owait tools/ab-bench.sh build-gpu "$filter" head owait 2>&1 | sed 's|/iterations:15/manual_time||; s|dispatch_combine/||' | tee $root/11-ab-owait/table.txt
cd $root && tar -czf run8.tgz 11-ab-owait
