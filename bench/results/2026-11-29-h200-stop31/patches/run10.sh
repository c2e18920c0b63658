#!/usr/bin/env bash
# Stop 31, call 10 (2 x H200 over NVLink): times5 on call 9's tree (9b6b201 with patches/
# scan-find.diff: BlockExclusiveScan with two barriers, FindSegmentInWarp by counting) at 1 / 8
# rows, 64 / 128 SMs. Built with tools/build-gpu.sh on that tree, then build-variants.sh
# times5=times.py+times2.py+times3.py+times4.py+times5.py.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/times
PADGRAPH_DISPATCH_ROWS=1,8 timeout 200 build-gpu/bench/dispatch_combine_bench_times5 \
  --benchmark_filter='dispatch_combine/world:2/a2a_ll/rows:[0-9]+/sms:(64|128)/' \
  --benchmark_out=$OUT/times/times.json --benchmark_out_format=json > $OUT/times/times.log 2>&1
echo "rc $?"

grep -E "^times|ERROR" $OUT/times/times.log | sed -E 's/ \| C0-D0.*//'
grep -E "median_us" $OUT/times/times.log | sed -E 's/iterations:[0-9]+.manual_time//' | grep -oE "^[^ ]+|median_us=[0-9.]+" | paste - - | cut -c1-120
(cd $OUT && tar -czf all.tgz times && rm -rf times)
