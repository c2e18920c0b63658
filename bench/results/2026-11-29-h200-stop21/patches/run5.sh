#!/usr/bin/env bash
# Stop 21, call 6 (one H200): the 8-loopback-rank hangs of call 5, with CUDA's default 8 hardware
# queues and with CUDA_DEVICE_MAX_CONNECTIONS=32, two runs each.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
f='*RandomDistributionsMatchTheReference/8ranks_on_1gpu:*GraphOfManyLayersEqualsEagerBitForBit/8ranks_on_1gpu'
for conn in 32 default; do
  for run in 1 2; do
    if [[ $conn == default ]]; then unset CUDA_DEVICE_MAX_CONNECTIONS; else export CUDA_DEVICE_MAX_CONNECTIONS=$conn; fi
    timeout 140 build-gpu/tests/a2a_ll_test --gtest_filter="$f" > $OUT/conn$conn.$run.log 2>&1
    echo "connections $conn run $run rc $?"; grep -E '^\[ a2a_ll|^\[       OK|^\[  FAILED  \] Teams|DEADLINE' $OUT/conn$conn.$run.log | grep -v 'rank [1-7]:' | cut -c1-160 | head -12
  done
done
