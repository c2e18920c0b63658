#!/usr/bin/env bash
# Prepared for the next stop with a 2-, 4- or 8-GPU machine (not run in stop 21: only one GPU was
# lent). Supersedes ../../2026-11-29-h200-stop20/patches/run-next.sh. Build here first:
# tools/build-gpu.sh, and stop 19's kernels as build-gpu/bench/dispatch_combine_bench_s19
# (stop 20's build-variants.sh recipe). One part per call:
#   PART=ab: stop 20's instances over NVLink against stop 19's kernels, 1-128 rows, every budget;
#   PART=tests: tools/issue4-check.sh (a2a_ll, lsa_gather and the decoder's tests on every GPU
#     count the machine has: 2, 4, 8);
#   PART=sanitize: tools/sanitize.sh; PART=table: tools/dispatch-bench.sh (the final table, 2, 4
#     and 8 GPUs, torch beside it); on 8 GPUs, if the call's 600 s do not hold every case, set
#     PADGRAPH_DISPATCH_ROWS=1,8,32,128 (the issues' counts);
#   PART=e2e: tools/gpu-check.sh, bench and peer parts (step_host_time_bench, graph_launch_bench
#     and the engine-style peer, 8 GPUs included).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
case ${PART:?ab, tests, sanitize, table or e2e} in
ab)
  mkdir -p $OUT/ab
  OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32,128 PADGRAPH_AB_ROUNDS=3 \
    tools/ab-bench.sh build-gpu 'dispatch_combine/world:[248]/a2a_ll(_dedup)?/rows:' s19 head |
    tee $OUT/ab.txt
  (cd $OUT && tar -czf ab.tar.gz ab && rm -rf ab) ;;
tests) tools/issue4-check.sh build-gpu ;;
sanitize) tools/sanitize.sh build-gpu ;;
table) tools/dispatch-bench.sh build-gpu ;;
e2e) PADGRAPH_GPU_CHECK_PARTS=bench,peer tools/gpu-check.sh build-gpu ;;
esac
