#!/usr/bin/env bash
# Stop 22, call 4 (one H200, loopback ranks): the "lat" variant (timeline + single dependent loads
# timed right after the dispatch's griddepcontrol.wait), 0 and 1 row, 2 ranks, two runs each.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for f in 'loopback/world:2/a2a_ll/rows:0/' 'loopback/world:2/a2a_ll/rows:1/' 'loopback/world:2/a2a_ll/rows:8/'; do
  for run in 1 2; do
    echo "== $f run $run"
    timeout 60 build-gpu/bench/dispatch_combine_bench_lat --benchmark_filter="$f" 2>&1 | grep -E "^LT|^TL D|manual_time" | sed -E 's/ +/ /g' | cut -c1-170
  done
done
