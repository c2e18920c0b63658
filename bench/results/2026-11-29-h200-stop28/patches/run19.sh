#!/usr/bin/env bash
# Stop 28, call 19 (2 H200 over NVLink): a2a_ll_test's 2-GPU cases (ranks on their own GPUs).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0; mkdir -p $OUT/tests
timeout 140 build-gpu/tests/a2a_ll_test --gtest_filter='*2gpus*:*2ranks_on_2gpus*:*on_2gpu*' \
  > $OUT/tests/a2a_ll_2gpu.log 2>&1; echo "a2a_ll_test rc $?"
