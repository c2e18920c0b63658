#!/usr/bin/env bash
# Stop 29, call 5 (2 x H200 over NVLink) at 304af93: where the time goes, dispatch against combine.
# `split` (split.py, benchmark only: event record nodes around iteration 25's dispatch and combine;
# rank 0's medians). This call's split.py recorded them with plain cudaEventRecord, which capture
# takes as a join, not a node: the first case failed (cudaEventElapsedTime: invalid argument) and
# left the others to their 30 s deadlines. Call 6 ran split.py as kept here (with
# cudaEventRecordExternal). 1 / 8 / 32 / 128 rows, one copy per pair and the default, every budget.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/split
PADGRAPH_DISPATCH_ROWS=1,8,32,128 timeout 200 build-gpu/bench/dispatch_combine_bench_split \
  --benchmark_filter='dispatch_combine/world:2/a2a_ll(_dedup)?/rows:(1|8|32|128)/' \
  --benchmark_out=$OUT/split/split.json --benchmark_out_format=json > $OUT/split/split.log 2>&1
echo "rc $?"
grep -E "^split|checked" $OUT/split/split.log | sed -E 's/iterations:[0-9]+.manual_time//' | cut -c1-150
(cd $OUT && tar -czf all.tgz split && rm -rf split)
