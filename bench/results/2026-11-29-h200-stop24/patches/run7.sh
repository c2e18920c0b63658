#!/usr/bin/env bash
# Stop 24, call 7 (one H200, 2 loopback ranks) at 6899ebc: the timeline with stamps inside the
# dispatch's table and words (tltab: 16 SMs; tltab32: 32), at 1 row (twice) and 8 rows at 32 SMs.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for v in tltab32:1 tltab32:1 tltab:1 tltab32:8; do
  b=${v%%:*}; r=${v#*:}; n=$b.rows$r
  PADGRAPH_DISPATCH_ROWS=$r timeout 60 build-gpu/bench/dispatch_combine_bench_$b --benchmark_filter="loopback/world:2/a2a_ll/rows:$r/" > $OUT/$n.log 2>&1
  echo "== $n rc $?"; grep -E "^(TL|CK) D rank 0|^TL C rank 0|manual_time" $OUT/$n.log | sed -E 's/ +/ /g' | cut -c1-170
done
(cd $OUT && tar -czf timeline.tgz *.log && rm *.log)
