#!/usr/bin/env bash
# Stop 28, call 20 (2 H200 over NVLink): the lsa gathers' and the decoders' 2-GPU cases.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0; mkdir -p $OUT/tests
for t in lsa_gather_test a2a_ll_decode_test; do
  timeout 45 build-gpu/tests/$t --gtest_filter='*2gpus*:*2ranks_on_2gpus*:*on_2gpu*:*2gpu*' \
    > $OUT/tests/${t}_2gpu.log 2>&1; echo "$t rc $?"
done
timeout 50 build-gpu/tests/nccl_decode_test --gtest_filter='*a2a_ll*' > $OUT/tests/nccl_decode_a2a_ll.log 2>&1
echo "nccl_decode_test rc $?"
