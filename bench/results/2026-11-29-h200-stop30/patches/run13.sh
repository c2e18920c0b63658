#!/usr/bin/env bash
# Stop 30, call 13 (2 x H200 over NVLink), the build of call 12: times / timesold (times.py on the
# counters in a row per block, and on headcu.py's one row) at 96 rows, the default and one copy per
# pair, 64 and 128 SMs; then onerow / head at 80 / 96 / 112 / 128 rows, 64 and 128 SMs, 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/times $OUT/ab
for v in times timesold; do
  PADGRAPH_DISPATCH_ROWS=96 timeout 60 build-gpu/bench/dispatch_combine_bench_$v \
    --benchmark_filter='dispatch_combine/world:2/a2a_ll(_dedup)?/rows:96/sms:(64|128)/' \
    > $OUT/times/$v.log 2>&1
  echo "$v rc $?"; grep -E "^times" $OUT/times/$v.log | sed "s/^times/$v/"
done
OUT=$OUT/ab/runs PADGRAPH_DISPATCH_ROWS=80,96,112,128 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=60 \
  timeout 250 tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll(_dedup)?/rows:[0-9]+/sms:(64|128)/' \
  onerow head 2>&1 | tail -50 | sed -E 's/iterations:[0-9]+.manual_time//' > $OUT/ab/ab.txt
grep -l "checked=0\|mismatch\|ERROR" $OUT/ab/runs/*.log 2>/dev/null | head
sed -E 's#dispatch_combine/world:2/##; s#/2/[0-9]+/[0-9]+/[0-9]+/0/##' $OUT/ab/ab.txt | cut -c1-110
(cd $OUT && tar -czf all.tgz times ab && rm -rf times ab)
