#!/usr/bin/env bash
# Stop 31, call 1 (2 x H200 over NVLink) at 9b6b201: times2 (stop 30's times.py + times2.py:
# %globaltimer per block as percentiles, two points around the unpack's wait for lines) at 1 / 8 /
# 16 rows, 32 / 64 / 128 SMs. Built with tools/build-gpu.sh, then stop 26's build-variants.sh
# times2=<stop 30>/patches/times.py+patches/times2.py.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/times
nvidia-smi topo -m | head -3
PADGRAPH_DISPATCH_ROWS=1,8,16 timeout 200 build-gpu/bench/dispatch_combine_bench_times2 \
  --benchmark_filter='dispatch_combine/world:2/a2a_ll/rows:[0-9]+/sms:(32|64|128)/' \
  --benchmark_out=$OUT/times/times.json --benchmark_out_format=json > $OUT/times/times.log 2>&1
echo "rc $?"
grep -E "^times|ERROR" $OUT/times/times.log
grep -E "median_us" $OUT/times/times.log | sed -E 's/iterations:[0-9]+.manual_time//' | awk '{print $1, $NF, $(NF-2)}' | cut -c1-120
(cd $OUT && tar -czf all.tgz times && rm -rf times)
