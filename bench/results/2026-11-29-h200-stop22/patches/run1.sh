#!/usr/bin/env bash
# Stop 22, call 1 (one H200, loopback ranks): the timeline variant (%globaltimer per phase, both
# kernels, every rank, block 0 and the last block, one step at epoch 600) at 0, 1, 2 and 8 rows on
# 2 ranks and 1 row on 4, two runs each.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0 PADGRAPH_DISPATCH_ROWS=1,2,8
nvidia-smi -L; cat build-gpu/COMMIT
for f in 'loopback/world:2/a2a_ll/rows:0/' 'loopback/world:2/a2a_ll/rows:1/' 'loopback/world:2/a2a_ll/rows:2/' 'loopback/world:2/a2a_ll/rows:8/' 'loopback/world:4/a2a_ll/rows:1/'; do
  for run in 1 2; do
    n=timeline.$(echo $f | tr '/:' '__').$run
    timeout 60 build-gpu/bench/dispatch_combine_bench_timeline --benchmark_filter="$f" > $OUT/$n.log 2>&1
    echo "== $f run $run rc $?"; grep -E "^TL|^CK|manual_time" $OUT/$n.log | sed -E 's/ +/ /g' | cut -c1-170
  done
done
