#!/usr/bin/env bash
# Stop 20, call 13 (one H200, loopback ranks): stop 19's stamps (clock64 per phase in block 0's
# thread 0 and the last block's last warp, rank 0's 600th dispatch and 700th combine) on the final
# kernels and on stop 19's, 2 and 4 ranks at 1 row, three runs each.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for v in stamps19 stamps; do
  for f in 'loopback/world:2/a2a_ll/rows:1/' 'loopback/world:4/a2a_ll/rows:1/'; do
    for run in 1 2 3; do
      n=$v.$(echo $f | tr '/:' '__').$run
      timeout 60 build-gpu/bench/dispatch_combine_bench_$v --benchmark_filter="$f" > $OUT/$n.log 2>&1
      echo "== $v $f run $run rc $?"; grep -E "^[DC] block|manual_time" $OUT/$n.log | sed -E 's/ +/ /g' | cut -c1-150
    done
  done
done
cd $OUT && tar -czf stamps.tgz *.log && rm -f *.log
