#!/usr/bin/env bash
# Stop 32, call 4 (2 x H200 over NVLink): times8s (bench/results/2026-11-29-h200-stop32/patches/times8.py on the working tree:
# lines placed by pair, ids from block 0) at 1 / 8 rows, 32 / 128 SMs. Built with
# bench/results/2026-11-29-h200-stop32/patches/build-var.sh times8s=bench/results/2026-11-29-h200-stop32/patches/times8.py+stop 31 patches/times4.py (points in shared memory).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/times
PADGRAPH_DISPATCH_ROWS=1,8 timeout 200 build-gpu/bench/dispatch_combine_bench_times8s \
  --benchmark_filter='dispatch_combine/world:2/a2a_ll/rows:[0-9]+/sms:(32|128)/' \
  --benchmark_out=$OUT/times/times.json --benchmark_out_format=json > $OUT/times/times.log 2>&1
echo "rc $?"
grep -E "^times|ERROR" $OUT/times/times.log
grep -E "median_us" $OUT/times/times.log | sed -E 's/iterations:[0-9]+.manual_time//' | grep -oE "^[^ ]+|median_us=[0-9.]+" | paste - - | cut -c1-120
(cd $OUT && tar -czf all.tgz times && rm -rf times)
