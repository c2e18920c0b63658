#!/usr/bin/env bash
# Stop 31, call 13 (2 x H200 over NVLink) at 35428e8 (stop 30's kernels): times7 (times4 with a
# point after the dispatch's first barrier, which waits for thread 0's loads of the count, the
# deadline flag and the launch counter) at 1 / 8 rows, 32 / 128 SMs. Built with build-variants.sh
# times7=times.py+times2.py+times3.py+times4.py+times7.py.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/times
PADGRAPH_DISPATCH_ROWS=1,8 timeout 200 build-gpu/bench/dispatch_combine_bench_times7 \
  --benchmark_filter='dispatch_combine/world:2/a2a_ll/rows:[0-9]+/sms:(32|128)/' \
  --benchmark_out=$OUT/times/times.json --benchmark_out_format=json > $OUT/times/times.log 2>&1
echo "rc $?"
grep -E "^times|ERROR" $OUT/times/times.log | sed -E 's/ D[4-7]\[.*\| steps/ | steps/'
grep -E "median_us" $OUT/times/times.log | sed -E 's/iterations:[0-9]+.manual_time//' | grep -oE "^[^ ]+|median_us=[0-9.]+" | paste - - | cut -c1-120
(cd $OUT && tar -czf all.tgz times && rm -rf times)
