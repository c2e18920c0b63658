#!/usr/bin/env bash
# Stop 22, call 6 (one H200, loopback ranks): the "fine" variant (timeline + stamps by the threads
# that do the work, and poll counts), 0, 1 and 8 rows, 2 ranks, two runs each.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for f in 'loopback/world:2/a2a_ll/rows:0/' 'loopback/world:2/a2a_ll/rows:1/' 'loopback/world:2/a2a_ll/rows:8/'; do
  for run in 1 2; do
    echo "== $f run $run"
    timeout 60 build-gpu/bench/dispatch_combine_bench_fine --benchmark_filter="$f" 2>&1 | grep -E "^F|^TL|manual_time" | sed -E 's/ +/ /g' | cut -c1-170
  done
done
