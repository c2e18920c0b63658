#!/usr/bin/env bash
# Stop 29, call 11 (2 x H200 over NVLink, lent again at the end) at 5de7e75 (c3b0009's code and
# d3d6f72's 40-row bucket in the decoder's test): stop 26's run-next.sh PART=tests
# (tools/issue4-check.sh on 2 GPUs: the new line_rows default), then quarter
# (quarter.py: line_rows a quarter of max_sms, the old default) / head at 12-48 rows, one copy per
# pair and the default, every SM budget, 3 rounds. quarter built with build-variants.sh
# quarter=bench/results/2026-11-29-h200-stop29/patches/quarter.py.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/ab
PART=tests timeout 280 bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh 2>&1 | tail -8
OUT=$OUT/ab/runs PADGRAPH_DISPATCH_ROWS=12,16,20,24,36,40,44,48 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=80 \
  timeout 200 tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll(_dedup)?/rows:' \
  quarter head 2>&1 | tail -50 | sed -E 's/iterations:[0-9]+.manual_time//' > $OUT/ab/ab.txt
grep -l "checked=0\|mismatch\|ERROR" $OUT/ab/runs/*.log 2>/dev/null | head
cut -c1-110 $OUT/ab/ab.txt
(cd $OUT && tar -czf ab.tgz ab && rm -rf ab)
