#!/usr/bin/env bash
# Stop 29, call 10 (one H200) at the A2aLlThresholdsFor commit: tools/issue4-check.sh (a2a_ll,
# lsa_gather and line tearing GPU tests between loopback ranks, the SASS order check).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/tests
OUT=$OUT/tests timeout 240 tools/issue4-check.sh build-gpu 2>&1 | tail -7
(cd $OUT && tar -czf all.tgz tests && rm -rf tests)
