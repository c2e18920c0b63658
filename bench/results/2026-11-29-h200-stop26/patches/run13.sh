#!/usr/bin/env bash
# Stop 26, call 13 (2 x H200, NVLink) at a1965d5: tools/sanitize.sh (compute-sanitizer memcheck
# of reduced GPU-test cases, 2 GPUs and loopback ranks), then prev (97ca2ad, the stop's start)
# against head over NVLink at 8 and 128 rows, one copy per pair, every SM budget, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/sanitize
OUT=$OUT/sanitize PADGRAPH_SANITIZE_TIMEOUT_S=100 timeout 260 tools/sanitize.sh build-gpu 2>&1 | tail -12
(cd $OUT && tar -czf sanitize.tgz sanitize && rm -rf sanitize)
mkdir -p $OUT/ab && OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=8,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60 \
  tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll/rows:(8|128)/' prev head 2>&1 | tail -8 | sed -E 's/iterations:[0-9]+.manual_time//'
(cd $OUT && tar -czf ab.tgz ab && rm -rf ab)
