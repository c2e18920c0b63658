#!/usr/bin/env bash
# Stop 22, call 9 (one H200): loopback ranks against CUDA's hardware queues. queue_probe with
# fewer queues than ranks and with as many; then a2a_ll_test's 2-loopback-rank random and graph
# tests with CUDA_DEVICE_MAX_CONNECTIONS=1 (fewer queues than ranks) and =2.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
p=tools/tmpdiag/queue_probe
for c in "1 2" "2 2" "2 4" "4 4" "8 8" "4 8"; do
  set -- $c
  CUDA_DEVICE_MAX_CONNECTIONS=$1 timeout 60 $p $2 200 0 0 0 5000
done
f='Teams/A2aLlTest.RandomDistributionsMatchTheReference/2ranks_on_1gpu:Teams/A2aLlTest.GraphOfManyLayersEqualsEagerBitForBit/2ranks_on_1gpu'
for c in 1 2; do
  start=$(date +%s)
  CUDA_DEVICE_MAX_CONNECTIONS=$c timeout 100 build-gpu/tests/a2a_ll_test --gtest_filter="$f" > $OUT/conn$c.log 2>&1
  echo "a2a_ll_test, 2 loopback ranks, CUDA_DEVICE_MAX_CONNECTIONS=$c: rc $? in $(( $(date +%s) - start )) s"
  grep -E '^\[       OK|^\[  FAILED|^\[  PASSED|DeadlineExceeded|deadline' $OUT/conn$c.log | cut -c1-200 | head -8
done
