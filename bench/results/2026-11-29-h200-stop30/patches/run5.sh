#!/usr/bin/env bash
# Stop 30, call 5 (2 x H200 over NVLink) at 68ae871: bare store kernels sized as the legs, in a
# graph as the dispatch benchmark replays its kernels (probe.py + probe2.py: the egress probe with
# PADGRAPH_PROBE_BYTES / _LAUNCHES / _SMS / _GRAPH): 7,340,032 bytes to the peer (the dispatch's
# payload at 128 rows, one copy per pair), 7,829,360 (the combine's lines), 458,752 (8 rows), 16
# (a launch's own time); 8 launches per replay, 128 SMs, the copy engine beside; eager too. Then
# split (split.py) at 1 / 8 / 128 rows, one copy per pair, 128 SMs.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/probe
b=build-gpu/bench/dispatch_combine_bench_probe
for graph in 1 0; do
  for bytes in 7340032 7829360 458752 16; do
    PADGRAPH_PROBE_GRAPH=$graph PADGRAPH_PROBE_BYTES=$bytes PADGRAPH_PROBE_LAUNCHES=8 PADGRAPH_PROBE_SMS=128 \
      timeout 60 $b --benchmark_filter='egress/world:2/' --benchmark_min_time=0.2s 2>&1 |
      grep "^probe" | tee -a $OUT/probe/probe.txt
  done
done
PADGRAPH_DISPATCH_ROWS=1,8,128 timeout 100 build-gpu/bench/dispatch_combine_bench_split \
  --benchmark_filter='dispatch_combine/world:2/a2a_ll/rows:(1|8|128)/sms:128' \
  --benchmark_out=$OUT/probe/split.json --benchmark_out_format=json > $OUT/probe/split.log 2>&1
echo "split rc $?"; grep -E "^split" $OUT/probe/split.log
(cd $OUT && tar -czf all.tgz probe && rm -rf probe)
