#!/usr/bin/env bash
# Stop 21, call 8 (one H200): what the 8-loopback-rank hangs depend on. All with
# CUDA_DEVICE_MAX_CONNECTIONS=32. A: eager module loading, random launches and the graph test;
# B: eager loading, the graph tests with each graph uploaded before the ranks meet (_8u);
# C: lazy loading (CUDA's default), _8u's graph tests.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0 CUDA_DEVICE_MAX_CONNECTIONS=32
nvidia-smi -L
run() {
  local name=$1 loading=$2 binary=$3 filter=$4
  CUDA_MODULE_LOADING=$loading timeout 150 build-gpu/tests/$binary --gtest_filter="$filter" > $OUT/$name.log 2>&1
  echo "== $name ($loading, $binary) rc $?"
  grep -E '^\[ a2a_ll|^\[       OK|^\[  FAILED  \] Teams|DEADLINE' $OUT/$name.log | grep -v 'rank [1-7]:' | cut -c1-150 | head -12
}
run A EAGER a2a_ll_test_8 '*RandomDistributionsMatchTheReference/8ranks_on_1gpu:*GraphOfManyLayersEqualsEagerBitForBit/8ranks_on_1gpu'
run B EAGER a2a_ll_test_8u '*GraphOfManyLayersEqualsEagerBitForBit/8ranks_on_1gpu:*JitterStressWithRowsOncePerRankIsBitForBitStable/8ranks_on_1gpu'
run C LAZY a2a_ll_test_8u '*GraphOfManyLayersEqualsEagerBitForBit/8ranks_on_1gpu'
