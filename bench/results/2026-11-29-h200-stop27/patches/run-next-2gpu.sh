#!/usr/bin/env bash
# Prepared at stop 27 for the next 2-GPU machine (supersedes stop 26's run-next-2gpu.sh). Build here
# first: tools/build-gpu.sh, then
#   bash bench/results/2026-11-29-h200-stop26/patches/build-variants.sh \
#     prev=bench/results/2026-11-29-h200-stop27/patches/prev.py \
#     tma2=bench/results/2026-11-29-h200-stop26/patches/tma2.py
# (prev: 67caf5d's kernels, the row path by (expert, token part); tma2: the combine's rows back by
# bulk copies, prototype, whose bulk stores into the peer's window are unchecked over NVLink). Then
# on the GPU machine from the tree's root: prev / head / tma2 over NVLink at 1, 8, 32 and 128 rows,
# one copy per pair, every SM budget, 3 rounds (every case checked against float64 first), the
# tests, then tools/sanitize.sh. Everything lands in one tarball.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/r/ab $OUT/r/tests $OUT/r/sanitize
OUT=$OUT/r/ab PADGRAPH_DISPATCH_ROWS=1,8,32,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60 \
  tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll(_dedup)?/rows:(1|8|32|128)/' prev head tma2 2>&1 | tail -30 | sed -E 's/iterations:[0-9]+.manual_time//' | tee $OUT/r/ab.txt
grep -l "checked=0\|mismatch\|ERROR" $OUT/r/ab/*.log 2>/dev/null | head
OUT=$OUT/r/tests timeout 200 tools/issue4-check.sh build-gpu 2>&1 | tail -7
OUT=$OUT/r/sanitize PADGRAPH_SANITIZE_TIMEOUT_S=100 timeout 240 tools/sanitize.sh build-gpu 2>&1 | tail -12 | tee $OUT/r/sanitize.txt
(cd $OUT && tar -czf r.tgz r && rm -rf r)
