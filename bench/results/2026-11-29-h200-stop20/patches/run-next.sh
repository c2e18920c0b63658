#!/usr/bin/env bash
# Prepared for the next stop with a 2- or 4-GPU machine (not run in stop 20: only one GPU was lent).
# Build here first: tools/build-gpu.sh, and stop 19's kernels as build-gpu/bench/
# dispatch_combine_bench_s19 (build-variants.sh's recipe). One part per call:
#   PART=ab: the one-unit instance over NVLink against stop 19's kernels, 1-128 rows, every budget;
#   PART=tests: tools/issue4-check.sh (a2a_ll on 2 and 4 GPUs, the decoder's tests, lsa_gather);
#   PART=sanitize: tools/sanitize.sh; PART=table: tools/dispatch-bench.sh (the final table).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
case ${PART:?ab, tests, sanitize or table} in
ab)
  mkdir -p $OUT/ab
  OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32,128 PADGRAPH_AB_ROUNDS=3 \
    tools/ab-bench.sh build-gpu 'dispatch_combine/world:[24]/a2a_ll(_dedup)?/rows:' s19 head |
    tee $OUT/ab.txt
  (cd $OUT && tar -czf ab.tar.gz ab && rm -rf ab) ;;
tests) tools/issue4-check.sh build-gpu ;;
sanitize) tools/sanitize.sh build-gpu ;;
table) tools/dispatch-bench.sh build-gpu ;;
esac
