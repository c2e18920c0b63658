#!/usr/bin/env bash
# Stop 29, call 9 (one H200: the 2-GPU kind was no longer lent) at the line_rows commit:
# tools/issue4-check.sh; then prev (304af93: line_rows a quarter of max_sms) / head at 8-64 rows,
# one copy per pair and the default, between loopback ranks (2r16, 2r32, 4r16), 3 rounds. prev is
# build-gpu/bench/dispatch_combine_bench of tools/build-gpu.sh at 304af93, copied before the build.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/tests $OUT/loopback
OUT=$OUT/tests timeout 240 tools/issue4-check.sh build-gpu 2>&1 | tail -7
export PADGRAPH_DISPATCH_ROWS=8,12,16,20,24,32,36,40,44,48,64
OUT=$OUT/loopback/runs PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=90 \
  timeout 150 tools/ab-bench.sh build-gpu 'loopback/world:(2|4)/a2a_ll(_dedup)?/rows:' \
  prev head 2>&1 | tail -70 | sed -E 's/iterations:[0-9]+.manual_time//' > $OUT/loopback/ab.txt
grep -l "checked=0\|mismatch\|ERROR" $OUT/*/runs/*.log 2>/dev/null | head
cut -c1-110 $OUT/loopback/ab.txt
(cd $OUT && tar -czf all.tgz tests loopback && rm -rf tests loopback)
