#!/usr/bin/env bash
# Stop 32, call 2 (2 x H200 over NVLink): lines placed by pair, ids from block 0, rows before the header (the working tree) as head: the GPU
# tests (stop 26's run-next.sh PART=tests), then against head0 (bench/results/2026-11-29-h200-stop32/patches/build-head.sh: HEAD
# 710013d's a2a_ll.cu, layout header and benchmark), 1-128 rows, one copy per pair and the
# default, every SM budget, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT
PART=tests timeout 220 bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh 2>&1 | tail -7
mkdir -p $OUT/ab
OUT=$OUT/ab/runs PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32,64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=80 \
  timeout 340 tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll(_dedup)?/rows:' \
  head0 head 2>&1 | tail -60 | sed -E 's/iterations:[0-9]+.manual_time//' > $OUT/ab/ab.txt
grep -l "checked=0\|mismatch\|ERROR" $OUT/ab/runs/*.log 2>/dev/null | head
sed -E 's#dispatch_combine/world:2/##; s#/2/[0-9]+/[0-9]+/[0-9]+/0/##' $OUT/ab/ab.txt | cut -c1-110
(cd $OUT && tar -czf all.tgz ab && rm -rf ab)
