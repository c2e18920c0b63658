#!/usr/bin/env bash
# Stop 21, call 5 (one H200): the a2a_ll and lsa_gather tests at 8 loopback ranks on GPU 0 (8 SMs
# each), and their 8-GPU instances (must skip here).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for t in a2a_ll_test lsa_gather_test; do
  /usr/bin/time -f "$t wall %e s" timeout 280 build-gpu/tests/$t --gtest_filter='*8ranks_on_1gpu*:*8gpus*' > $OUT/$t.8.log 2>&1
  echo "$t rc $?"; grep -E '^\[  (PASSED|FAILED|SKIPPED) |^\[  FAILED  \]|^\[       OK|wall' $OUT/$t.8.log | tail -40
done
