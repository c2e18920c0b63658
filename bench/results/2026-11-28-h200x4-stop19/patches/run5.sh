#!/usr/bin/env bash
# Stop 19 run 5: where a 1-row dispatch + combine spends its time (stamps: tools/tmpdiag/stamps.py,
# clock64 per phase in two threads of each kernel, rank 0, launches 600-602). Loopback ranks on
# one GPU, and NVLink ranks when the machine has 2 GPUs.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT; mkdir -p $root/8-stamps
nvidia-smi -L > $root/8-stamps/gpus.txt
nvidia-smi --query-gpu=clocks.max.sm --format=csv >> $root/8-stamps/gpus.txt
for f in 'loopback/world:2/a2a_ll/rows:1/' 'dispatch_combine/world:2/a2a_ll/rows:1/sms:32/' 'dispatch_combine/world:2/a2a_ll/rows:1/sms:128/'; do
  n=$(echo $f | tr '/:' '__')
  timeout 120 build-gpu/bench/dispatch_combine_bench_stamps --benchmark_filter="$f" > $root/8-stamps/$n.log 2>&1
  echo "== $f rc $?"; grep -E "^[DC] block|median" $root/8-stamps/$n.log | head -20
done
cd $root && tar -czf run5.tgz 8-stamps
