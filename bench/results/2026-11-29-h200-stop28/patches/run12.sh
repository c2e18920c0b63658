#!/usr/bin/env bash
# Stop 28, call 12 (one H200, loopback ranks): the tree as the stop ends (the tests' byte sums by
# Bytes::operator+=): tools/issue4-check.sh.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu 2>&1 | tail -7
grep -h "^\[ a2a_ll\|FAILED\|Failure" $OUT/tests/a2a_ll_test.log | head -40
(cd $OUT && tar -czf all.tgz tests) && rm -rf $OUT/tests
