#!/usr/bin/env bash
# Stop 30, call 3 (2 x H200 over NVLink) at 68ae871 (the combine's rows warp-major over the group):
# stop 26's run-next.sh PART=tests (tools/issue4-check.sh on 2 GPUs), then prev (prev.py: the
# rows block-major, as before 68ae871) / head / chunks2 / chunks8 (chunksN.py: the dispatch's
# spread rows in N units per row instead of 4) at 1-128 rows, one copy per pair and the default,
# every SM budget, 3 rounds. Built with build-variants.sh prev=.../prev.py chunks2=.../chunks2.py
# chunks8=.../chunks8.py (bench/results/2026-11-29-h200-stop30/patches).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/ab
PART=tests timeout 280 bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh 2>&1 | tail -8
OUT=$OUT/ab/runs PADGRAPH_DISPATCH_ROWS=1,8,32,64,96,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=80 \
  timeout 280 tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll(_dedup)?/rows:' \
  prev head chunks2 chunks8 2>&1 | tail -50 | sed -E 's/iterations:[0-9]+.manual_time//' > $OUT/ab/ab.txt
grep -l "checked=0\|mismatch\|ERROR" $OUT/ab/runs/*.log 2>/dev/null | head
sed -E 's#dispatch_combine/world:2/##; s#/2/[0-9]+/[0-9]+/[0-9]+/0/##' $OUT/ab/ab.txt | cut -c1-110
(cd $OUT && tar -czf ab.tgz ab && rm -rf ab)
