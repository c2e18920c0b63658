#!/usr/bin/env bash
# Stop 24, call 12 (one H200, loopback ranks) at 0c2a480: compute-sanitizer memcheck over two
# 2-rank loopback cases of a2a_ll_test (the combine's line sum from the last warp).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
timeout 200 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --leak-check no --report-api-errors no \
  --error-exitcode 86 build-gpu/tests/a2a_ll_test \
  --gtest_filter='Teams/A2aLlTest.GraphOfManyLayersEqualsEagerBitForBit/2ranks_on_1gpu:Teams/A2aLlTest.ListOfLinesToSendAtItsBound/2ranks_on_1gpu' > $OUT/sanitize.log 2>&1
echo "sanitize rc $?"; grep -E "ERROR SUMMARY|^\[  (PASSED|FAILED) |^\[  FAILED  \]|DeadlineExceeded|deadline" $OUT/sanitize.log | head -6
