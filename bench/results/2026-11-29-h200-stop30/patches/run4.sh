#!/usr/bin/env bash
# Stop 30, call 4 (2 x H200 over NVLink) at 68ae871: where the time of each leg goes at 128 rows.
# split (split.py: event record nodes around iteration 25's dispatch and combine, rank 0's medians;
# each node costs about 4.6 us per kernel) and three probes with wrong results (nocheck.py: the
# check's result ignored): noself (the dispatch's spread rows leave this rank's own pairs out),
# nopeer (they leave the peer's pairs out), noselfcomb (a rank that takes lines back gets no lines
# of its own pairs), at 8 / 32 / 128 rows, one copy per pair, every SM budget. Then chunks2
# (chunks2.py) / head again at 64-128 rows, 3 rounds. Built with build-variants.sh
# split=split.py noself=split.py+nocheck.py+noself.py nopeer=split.py+nocheck.py+nopeer.py
# noselfcomb=split.py+nocheck.py+noselfcomb.py chunks2=chunks2.py
# (bench/results/2026-11-29-h200-stop30/patches).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/split $OUT/ab
for v in split noself nopeer noselfcomb; do
  PADGRAPH_DISPATCH_ROWS=8,32,128 timeout 100 build-gpu/bench/dispatch_combine_bench_$v \
    --benchmark_filter='dispatch_combine/world:2/a2a_ll/rows:(8|32|128)/' \
    --benchmark_out=$OUT/split/$v.json --benchmark_out_format=json > $OUT/split/$v.log 2>&1
  echo "$v rc $?"; grep -E "^split" $OUT/split/$v.log | sed "s/^split/$v/"
done
OUT=$OUT/ab/runs PADGRAPH_DISPATCH_ROWS=64,96,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60 \
  timeout 250 tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll(_dedup)?/rows:' \
  head chunks2 2>&1 | tail -50 | sed -E 's/iterations:[0-9]+.manual_time//' > $OUT/ab/ab.txt
grep -l "checked=0\|mismatch\|ERROR" $OUT/ab/runs/*.log 2>/dev/null | head
sed -E 's#dispatch_combine/world:2/##; s#/2/[0-9]+/[0-9]+/[0-9]+/0/##' $OUT/ab/ab.txt | cut -c1-110
(cd $OUT && tar -czf all.tgz split ab && rm -rf split ab)
