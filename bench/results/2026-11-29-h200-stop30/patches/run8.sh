#!/usr/bin/env bash
# Stop 30, call 8 (2 x H200 over NVLink) at 68ae871: times (times.py: %globaltimer at points of
# both kernels, thread 0 of every block, the last launch of the last replay; rank 0) at 1 / 8 / 32 /
# 64 / 128 rows, one copy per pair and the default, 128 and 32 SMs.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/times
PADGRAPH_DISPATCH_ROWS=1,8,32,64,128 timeout 150 build-gpu/bench/dispatch_combine_bench_times \
  --benchmark_filter='dispatch_combine/world:2/a2a_ll(_dedup)?/rows:[0-9]+/sms:(32|128)/' \
  --benchmark_out=$OUT/times/times.json --benchmark_out_format=json > $OUT/times/times.log 2>&1
echo "rc $?"
grep -E "^times|ERROR" $OUT/times/times.log
grep -E "median_us" $OUT/times/times.log | sed -E 's/iterations:[0-9]+.manual_time//' | awk '{print $1, $NF, $(NF-2)}' | cut -c1-120
(cd $OUT && tar -czf all.tgz times && rm -rf times)
