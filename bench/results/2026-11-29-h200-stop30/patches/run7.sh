#!/usr/bin/env bash
# Stop 30, call 7 (2 x H200 over NVLink) at 68ae871: split / nopeer / nocopy (nocopy.py: the
# dispatch's spread rows store no row; with nocheck.py and split.py) at 32 / 64 / 128 rows, one copy
# per pair, 128 SMs: the dispatch's time besides its copies.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/split
for v in split nopeer nocopy; do
  PADGRAPH_DISPATCH_ROWS=32,64,128 timeout 100 build-gpu/bench/dispatch_combine_bench_$v \
    --benchmark_filter='dispatch_combine/world:2/a2a_ll/rows:(32|64|128)/sms:128' \
    --benchmark_out=$OUT/split/$v.json --benchmark_out_format=json > $OUT/split/$v.log 2>&1
  echo "$v rc $?"; grep -E "^split" $OUT/split/$v.log | sed "s/^split/$v/"
done
(cd $OUT && tar -czf all.tgz split && rm -rf split)
