#!/usr/bin/env bash
# Stop 30, call 1 (2 x H200 over NVLink) at 62f35da: spread (spreadrows.py: the combine's rows held
# for a peer and its partial sums spread over every block of the peer's group, warp-major) against
# head at 8-128 rows, one copy per pair and the default, every SM budget, 3 rounds. spread built
# with build-variants.sh spread=bench/results/2026-11-29-h200-stop30/patches/spreadrows.py.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/ab; nvidia-smi topo -m | head -4
OUT=$OUT/ab/runs PADGRAPH_DISPATCH_ROWS=8,32,64,96,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=80 \
  timeout 400 tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll(_dedup)?/rows:' \
  head spread 2>&1 | tail -50 | sed -E 's/iterations:[0-9]+.manual_time//' > $OUT/ab/ab.txt
grep -l "checked=0\|mismatch\|ERROR" $OUT/ab/runs/*.log 2>/dev/null | head
grep -h "checked" $OUT/ab/runs/spread.1.log | head -3
cut -c1-110 $OUT/ab/ab.txt
(cd $OUT && tar -czf ab.tgz ab && rm -rf ab)
