#!/usr/bin/env bash
# Stop 21, call 11 (one H200): a2a_ll_test with RouteAllTo fixed for ranks owning fewer experts
# than top_k; at 8 loopback ranks (_8) the two tests that use it and passed before; then _8b, with
# a host barrier before every queued launch and graph replay (the ranks' threads in lockstep), the
# random launches and the graph test. CUDA_DEVICE_MAX_CONNECTIONS=32.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0 CUDA_DEVICE_MAX_CONNECTIONS=32
nvidia-smi -L
timeout 100 build-gpu/tests/a2a_ll_test > $OUT/a2a_ll_test.log 2>&1
echo "a2a_ll_test rc $?"; grep -E '^\[  (PASSED|FAILED) |^\[  FAILED  \] ' $OUT/a2a_ll_test.log
timeout 100 build-gpu/tests/a2a_ll_test_8 --gtest_filter='*ListOfLinesToSendAtItsBound/8ranks*:*LinesBackSourceWaitsForPeersItSentNothing/8ranks*' > $OUT/eight.log 2>&1
echo "8 ranks, RouteAllTo tests rc $?"; grep -E '^\[       OK|^\[  FAILED  \] Teams' $OUT/eight.log
timeout 200 build-gpu/tests/a2a_ll_test_8b --gtest_filter='*RandomDistributionsMatchTheReference/8ranks*:*GraphOfManyLayersEqualsEagerBitForBit/8ranks*' > $OUT/lockstep.log 2>&1
echo "8 ranks in lockstep rc $?"; grep -E '^\[ a2a_ll|^\[       OK|^\[  FAILED  \] Teams|rank 0: DEADLINE' $OUT/lockstep.log | cut -c1-150
