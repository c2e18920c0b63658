#!/usr/bin/env bash
# Stop 30, call 2 (2 x H200 over NVLink) at 62f35da: the egress probe (probe.py) sized as one leg
# of one copy per pair (7,340,032 bytes to the peer at 128 rows, 458,752 at 8), 8 launches back to
# back per replay, the SM kernel at 16-132 blocks and the copy engine; then the probe as the table
# sizes it (256 MiB, 4 launches) for reference. probe built with build-variants.sh
# probe=bench/results/2026-11-29-h200-stop30/patches/probe.py.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/probe
b=build-gpu/bench/dispatch_combine_bench_probe
run() { timeout 60 $b --benchmark_filter='egress/world:2/' --benchmark_min_time=0.2s 2>&1 | grep "^probe" | tee -a $OUT/probe/probe.txt; }
for bytes in 7340032 458752; do
  for sms in 16 32 64 128 132; do
    PADGRAPH_PROBE_BYTES=$bytes PADGRAPH_PROBE_LAUNCHES=8 PADGRAPH_PROBE_SMS=$sms run | grep " sm "
  done
  PADGRAPH_PROBE_BYTES=$bytes PADGRAPH_PROBE_LAUNCHES=8 run | grep " copy "
done
run
(cd $OUT && tar -czf probe.tgz probe && rm -rf probe)
