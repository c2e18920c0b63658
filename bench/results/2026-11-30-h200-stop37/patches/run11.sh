#!/usr/bin/env bash
# Stop 37 call 11 (tree 726e59b, stop 36's kernels): the stretch between the slot table's barrier
# and thread 0's warp's first line store, stamped: dispatch_combine_bench_t2head is stop 32's
# build-var.sh t2head=patches/times2.py (points 10-13: after the stores after the barrier, after
# the words, the first unit's loads issued, before its store); 1 and 8 rows, 32 and 128 SMs, three
# runs; the head's SASS of the lines-only dispatch.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
cuobjdump=$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)
"$cuobjdump" -sass -fun '_ZN8padgraph41_GLOBAL__N__083dd140_9_a2a_ll_cu_bc5d500c14DispatchKernelILNS_10A2aLlSendsE0EEEvNS0_14DispatchParamsE' \
  build-gpu/bench/dispatch_combine_bench > "$OUT/head.e0.sass" 2>&1
wc -l "$OUT/head.e0.sass"; gzip "$OUT/head.e0.sass"
for run in 1 2 3; do
  PADGRAPH_DISPATCH_ROWS=1,8 timeout 120 build-gpu/bench/dispatch_combine_bench_t2head \
    --benchmark_filter='dispatch_combine/world:2/a2a_ll/rows:(1|8)/sms:(32|128)/' \
    > "$OUT/t2head.$run.log" 2>&1
  echo "== run $run"; grep -E '^times' "$OUT/t2head.$run.log" | cut -c1-300
done
