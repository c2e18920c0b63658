#!/usr/bin/env bash
# Subtractive probes at 128 rows (row path) on 2 and 4 GPUs.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/probe
OUT=$OUT/probe PADGRAPH_AB_ROUNDS=2 tools/ab-bench.sh build-gpu 'dispatch_combine/world:(2|4)/a2a_ll/rows:(32|128)/sms:128' head unroll16 nosum nocsend nodcopy 2>&1 | tail -12
