#!/usr/bin/env bash
# Stop 24, call 9 (one H200, 2 loopback ranks at 32 SMs) at 6899ebc: the timeline with the table
# stamps, head (tltab32) against the reordered dispatch (tlboth32), 1 row, twice each; every rank.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for v in tltab32:1 tlboth32:1 tltab32:1 tlboth32:1; do
  b=${v%%:*}; r=${v#*:}; n=$b.rows$r.$RANDOM
  PADGRAPH_DISPATCH_ROWS=$r timeout 60 build-gpu/bench/dispatch_combine_bench_$b --benchmark_filter="loopback/world:2/a2a_ll/rows:$r/" > $OUT/$n.log 2>&1
  echo "== $n rc $?"; grep -E "^CK|manual_time" $OUT/$n.log | sed -E 's/ +/ /g' | cut -c1-170
done
(cd $OUT && tar -czf timeline.tgz *.log && rm *.log)
