#!/usr/bin/env bash
# Stop 37 call 5 (tree c5999d6): what code size costs. slim: the lines-only dispatch without its
# receive of row-path peers (slim.py, 3,512 -> 1,792 SASS instructions); slimc: the narrow combine
# without its row path (slimc.py, 4,176 -> 2,080); slimboth: both. Timing only: no case at 1-16
# rows on 2 ranks runs the code left out (the benchmark's check still runs). Three rounds.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head slim slimc slimboth 2>&1 | tail -16 |
  sed 's/iterations:[0-9]*\/manual_time//' | tee "$OUT/ab-medians.txt"
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
