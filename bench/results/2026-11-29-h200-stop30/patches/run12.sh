#!/usr/bin/env bash
# Stop 30, call 12 (2 x H200 over NVLink) at 0ab5fbd plus the counters in a row per block
# (committed next): times (times.py on it) at 64 / 128 rows, 32 and 128 SMs;
# onerow (headcu.py: a2a_ll.cu at 0ab5fbd, one row of counters) / head at 1-128 rows, one copy per pair and the
# default, every SM budget, 3 rounds; then stop 26's run-next.sh PART=tests. Built with
# build-variants.sh onerow=headcu.py times=times.py.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/times $OUT/ab
PADGRAPH_DISPATCH_ROWS=64,128 timeout 100 build-gpu/bench/dispatch_combine_bench_times \
  --benchmark_filter='dispatch_combine/world:2/a2a_ll(_dedup)?/rows:[0-9]+/sms:(32|128)/' \
  > $OUT/times/times.log 2>&1
echo "times rc $?"; grep -E "^times" $OUT/times/times.log | cut -c1-100
OUT=$OUT/ab/runs PADGRAPH_DISPATCH_ROWS=1,8,32,64,96,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60 \
  timeout 250 tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll(_dedup)?/rows:' \
  onerow head 2>&1 | tail -50 | sed -E 's/iterations:[0-9]+.manual_time//' > $OUT/ab/ab.txt
grep -l "checked=0\|mismatch\|ERROR" $OUT/ab/runs/*.log 2>/dev/null | head
sed -E 's#dispatch_combine/world:2/##; s#/2/[0-9]+/[0-9]+/[0-9]+/0/##' $OUT/ab/ab.txt | cut -c1-110
PART=tests timeout 200 bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh 2>&1 | tail -7
(cd $OUT && tar -czf all.tgz times ab && rm -rf times ab)
