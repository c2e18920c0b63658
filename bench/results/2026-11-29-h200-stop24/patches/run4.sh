#!/usr/bin/env bash
# Stop 24, call 4 (one H200, loopback ranks, 2 ranks): the timeline with stamps inside each line
# loop's first iteration (tlloop: 16 SMs; tlloop32: 32), at 1 and 8 rows.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for v in tlloop32:1 tlloop32:8 tlloop:1 tlloop32:1; do
  b=${v%%:*}; r=${v#*:}; n=$b.rows$r
  PADGRAPH_DISPATCH_ROWS=$r timeout 60 build-gpu/bench/dispatch_combine_bench_$b --benchmark_filter="loopback/world:2/a2a_ll/rows:$r/" > $OUT/$n.log 2>&1
  echo "== $n rc $?"; grep -E "^(TL|CK) . rank 0|manual_time" $OUT/$n.log | sed -E 's/ +/ /g' | cut -c1-170
done
(cd $OUT && tar -czf timeline.tgz *.log && rm *.log)
