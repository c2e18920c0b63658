#!/usr/bin/env bash
# Stop 30, call 6 (2 x H200 over NVLink) at 68ae871: call 5's bare store kernels in a graph (the SM
# kernel only: capture refuses cudaMemcpyPeerAsync, which call 5's graph runs hit first), 8
# launches per replay, 128 SMs, at 7,340,032 / 7,829,360 / 458,752 / 16 bytes to the peer.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/probe
for bytes in 7340032 7829360 458752 16; do
  PADGRAPH_PROBE_GRAPH=1 PADGRAPH_PROBE_BYTES=$bytes PADGRAPH_PROBE_LAUNCHES=8 PADGRAPH_PROBE_SMS=128 \
    timeout 60 build-gpu/bench/dispatch_combine_bench_probe --benchmark_filter='egress/world:2/sm_all_peers' \
    --benchmark_min_time=0.2s 2>&1 | grep "^probe\|ERROR" | tee -a $OUT/probe/probe.txt
done
(cd $OUT && tar -czf all.tgz probe && rm -rf probe)
