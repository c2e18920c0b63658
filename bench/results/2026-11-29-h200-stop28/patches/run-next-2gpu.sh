#!/usr/bin/env bash
# Prepared at stop 28 for the next 2-GPU machine (supersedes stop 27's run-next-2gpu.sh). Build here
# first: tools/build-gpu.sh, then
#   bash bench/results/2026-11-29-h200-stop26/patches/build-variants.sh \
#     prev=bench/results/2026-11-29-h200-stop27/patches/prev.py \
#     s27=bench/results/2026-11-29-h200-stop28/patches/s27.py
# (prev: 67caf5d, stop 26's kernels, the row path by (expert, token part), as in the README's
# NVLink figures; s27: 8add21a, stop 27's kernels, rows spread only for one copy per pair).
# Then one part per call (each within 600 s: its work is cut at 540 s so that its tarball is made):
#   PART=ab: prev / s27 / head over NVLink at 1, 8, 32, 64 and 128 rows, one copy per pair and the
#     default (rows once per rank from 48 rows), every SM budget, 2 rounds (every case checked
#     against float64 first);
#   PART=checks: tools/issue4-check.sh, then tools/sanitize.sh.
# Then stop 26's patches/run-next.sh with PART=table (the table with torch and the floor, its JSON).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
part=${PART:?ab or checks}
mkdir -p $OUT/$part
case $part in
ab)
  OUT=$OUT/$part/runs PADGRAPH_DISPATCH_ROWS=1,8,32,64,128 PADGRAPH_AB_ROUNDS=2 PADGRAPH_AB_TIMEOUT_S=80 \
    timeout 540 tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll(_dedup)?/rows:(1|8|32|64|128)/' \
    prev s27 head 2>&1 | tail -40 | sed -E 's/iterations:[0-9]+.manual_time//' | tee $OUT/$part/ab.txt
  grep -l "checked=0\|mismatch\|ERROR" $OUT/$part/runs/*.log 2>/dev/null | head ;;
checks)
  OUT=$OUT/$part/tests timeout 250 tools/issue4-check.sh build-gpu 2>&1 | tail -7
  OUT=$OUT/$part/sanitize PADGRAPH_SANITIZE_TIMEOUT_S=90 timeout 280 tools/sanitize.sh build-gpu 2>&1 |
    tail -12 | tee $OUT/$part/sanitize.txt ;;
*) echo "PART: ab or checks" >&2; exit 2 ;;
esac
(cd $OUT && tar -czf $part.tgz $part && rm -rf $part)
