#!/usr/bin/env bash
# Stop 31, call 8 (2 x H200 over NVLink): the SM clock while the benchmark runs (nvidia-smi every
# 50 ms beside head's 8-row cases, one copy per pair), read only.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/clocks
nvidia-smi --query-gpu=index,clocks.sm,clocks.max.sm,clocks.applications.graphics,clocks.default_applications.graphics,pstate,power.draw,clocks_throttle_reasons.active --format=csv
nvidia-smi --query-gpu=index,clocks.sm,pstate,power.draw,clocks_throttle_reasons.active --format=csv,noheader -lms 50 > $OUT/clocks/smi.csv 2>&1 &
smi=$!
sleep 0.5
PADGRAPH_DISPATCH_ROWS=8 timeout 100 build-gpu/bench/dispatch_combine_bench \
  --benchmark_filter='dispatch_combine/world:2/a2a_ll/rows:8/sms:128/' --benchmark_repetitions=20 > $OUT/clocks/bench.log 2>&1
echo "bench rc $?"
kill $smi; wait $smi 2>/dev/null
sort $OUT/clocks/smi.csv | uniq -c | sort -rn | head -20
grep -E "median_us" $OUT/clocks/bench.log | head -3
(cd $OUT && tar -czf clocks.tgz clocks && rm -rf clocks)
