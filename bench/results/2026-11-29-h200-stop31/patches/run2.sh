#!/usr/bin/env bash
# Stop 31, call 2 (2 x H200 over NVLink) at 9b6b201: times3 (times.py + times2.py + times3.py: the
# unpack's steps per block) at 1 / 8 / 16 rows, 64 / 128 SMs; the SASS of the probe binary.
# Built with build-variants.sh times3=times.py+times2.py+times3.py.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/times
PADGRAPH_DISPATCH_ROWS=1,8,16 timeout 200 build-gpu/bench/dispatch_combine_bench_times3 \
  --benchmark_filter='dispatch_combine/world:2/a2a_ll/rows:[0-9]+/sms:(64|128)/' \
  --benchmark_out=$OUT/times/times.json --benchmark_out_format=json > $OUT/times/times.log 2>&1
echo "rc $?"
cuobjdump -sass build-gpu/bench/dispatch_combine_bench_times3 > $OUT/times/probe.sass 2>&1; echo "sass rc $?"
grep -E "^times|ERROR" $OUT/times/times.log | sed -E 's/ \| C0-D0.*//'
grep -E "median_us" $OUT/times/times.log | sed -E 's/iterations:[0-9]+.manual_time//' | awk '{print $1, $NF}' | cut -c1-120
(cd $OUT && tar -czf all.tgz times && rm -rf times)
