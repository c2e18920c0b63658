#!/usr/bin/env bash
# Stop 19 run 6: as run 5 with stamps2 (tools/tmpdiag/stamps2.py on top of stamps.py): the row
# path's wait loop twice, a stamp after each pass.
# Loopback ranks on one GPU, and NVLink ranks when the machine has 2 GPUs.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT; mkdir -p $root/9-stamps2
nvidia-smi -L > $root/9-stamps2/gpus.txt
nvidia-smi --query-gpu=clocks.max.sm --format=csv >> $root/9-stamps2/gpus.txt
for f in 'loopback/world:2/a2a_ll/rows:1/' 'dispatch_combine/world:2/a2a_ll/rows:1/sms:32/' 'dispatch_combine/world:2/a2a_ll/rows:1/sms:128/'; do
  n=$(echo $f | tr '/:' '__')
  timeout 120 build-gpu/bench/dispatch_combine_bench_stamps2 --benchmark_filter="$f" > $root/9-stamps2/$n.log 2>&1
  echo "== $f rc $?"; grep -E "^[DC] block|median" $root/9-stamps2/$n.log | head -20
done
cd $root && tar -czf run6.tgz 9-stamps2
