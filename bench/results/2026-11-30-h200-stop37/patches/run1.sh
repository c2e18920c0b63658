#!/usr/bin/env bash
# Stop 37 call 1 (tree c5999d6): does co-residency of the two kernels matter at the boundary?
# hog: the lines' floor unable to share an SM with its other leg (hog.py); reg64: a2a_ll's
# kernels held to 64 registers so that they can (reg64.py). A/B at 1-16 rows, three rounds.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/(a2a_ll|a2a_ll_lines_floor)/' head hog reg64 2>&1 | tail -32 |
  sed 's/iterations:[0-9]*\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
