#!/usr/bin/env bash
# Prepared in stop 19 for the next stop, not run (no 2- or 4-GPU machine was lent): u1, u2 (kLineUnroll
# 1, 2), u1d (patches/u1split.py) and u1ds (patches/u1ds.diff) against head over NVLink, 1 / 8 / 16
# / 32 / 128 rows on every SM budget, one copy per pair and the default.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT; mkdir -p $root/17-ab-u1-nvlink
PADGRAPH_AB_ROUNDS=2 OUT=$root/17-ab-u1-nvlink tools/ab-bench.sh build-gpu 'dispatch_combine/world:[24]/a2a_ll(_dedup)?/rows:(1|8|16|32|128)/' head u1 u2 u1d u1ds 2>&1 | sed 's|/iterations:15/manual_time||; s|dispatch_combine/||' | tee $root/17-ab-u1-nvlink/table.txt
cd $root && tar -czf run13.tgz 17-ab-u1-nvlink
