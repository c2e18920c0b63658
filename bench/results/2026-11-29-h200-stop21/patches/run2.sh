#!/usr/bin/env bash
# Stop 21, call 3 (one H200, loopback ranks): the dispatch's entry, wait and real pass in cycles
# (drystamp.py) with and without the dry pass, 2 ranks, rows 0, 1 and 8, two runs each.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for v in headst dryst; do
  for r in 0 1 8; do
    for run in 1 2; do
      f="loopback/world:2/a2a_ll/rows:$r/"
      PADGRAPH_DISPATCH_ROWS=1,8 timeout 60 build-gpu/bench/dispatch_combine_bench_$v --benchmark_filter="$f" > $OUT/$v.$r.$run.log 2>&1
      echo "== $v rows $r run $run rc $?"; grep -E "^D block|manual_time" $OUT/$v.$r.$run.log | sed -E 's/ +/ /g' | cut -c1-150
    done
  done
done
cd $OUT && tar -czf stamps.tgz *.log && rm -f *.log
