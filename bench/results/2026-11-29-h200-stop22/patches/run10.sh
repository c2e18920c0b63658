#!/usr/bin/env bash
# Stop 22, call 12 (one H200): the tree at 5d28f49 (loopback teams refuse more ranks than hardware
# queues): the device-API transports' GPU tests (tools/issue4-check.sh: loopback instances here,
# the multi-GPU ones skip), then a2a_ll_test's 2-rank random test with CUDA_DEVICE_MAX_CONNECTIONS=1
# (now refused at CreateLoopback), and whether this machine's toolkit has Nsight Compute.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
tools/issue4-check.sh build-gpu
f='Teams/A2aLlTest.RandomDistributionsMatchTheReference/2ranks_on_1gpu:A2aLlArgumentsTest.*'
start=$(date +%s)
CUDA_DEVICE_MAX_CONNECTIONS=1 timeout 100 build-gpu/tests/a2a_ll_test --gtest_filter="$f" > $OUT/conn1.log 2>&1
echo "a2a_ll_test, CUDA_DEVICE_MAX_CONNECTIONS=1: rc $? in $(( $(date +%s) - start )) s"
grep -E '^\[       OK|^\[  FAILED|^\[  PASSED|CUDA_DEVICE_MAX' $OUT/conn1.log | cut -c1-260 | head -8
ls /usr/local/cuda/bin | grep -iE 'ncu|nsys' ; which ncu nsys 2>/dev/null; ls /opt/nvidia 2>/dev/null | head
