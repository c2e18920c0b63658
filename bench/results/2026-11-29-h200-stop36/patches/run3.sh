#!/usr/bin/env bash
# Stop 36 call 3 (tree 988d23c): a2a_ll one copy per pair and the default (rows once per rank
# above 40 rows) on 2 GPUs at 1-128 rows, every SM budget, three rounds (tools/ab-bench.sh), for
# the cost model's lsa_dispatch and lsa_dispatch_once refit (tools/fit-dispatch-cost.py).
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,24,32,40,48,64,96,128 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll(_dedup)?/' head 2>&1 | sed 's/iterations:15\/manual_time//' |
  tee "$OUT/ab-medians.txt" | tail -80
(cd "$OUT" && tar -czf ab.tgz ab && rm -rf ab)
