#!/usr/bin/env bash
# Prepared at stop 26 for the next 2-GPU machine (not run: none was lent again); tree 67caf5d, built with
# tools/build-gpu.sh plus patches/build-variants.sh prev=patches/prev.py tma2=patches/tma2.py: prev (97ca2ad) / head / tma2 (the
# combine's rows back by bulk copies, prototype) over NVLink at 1, 8 and 128 rows, one copy per pair,
# every SM budget, 3 rounds (each case checked against float64 first: tma2's bulk stores to the
# peer's window included); then tools/sanitize.sh. Everything lands in one tarball.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/r/ab $OUT/r/sanitize
OUT=$OUT/r/ab PADGRAPH_DISPATCH_ROWS=1,8,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60 \
  tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll/rows:(1|8|128)/' prev head tma2 2>&1 | tail -12 | sed -E 's/iterations:[0-9]+.manual_time//' | tee $OUT/r/ab.txt
grep -l "checked=0\|mismatch\|ERROR" $OUT/r/ab/*.log 2>/dev/null | head
OUT=$OUT/r/sanitize PADGRAPH_SANITIZE_TIMEOUT_S=100 timeout 300 tools/sanitize.sh build-gpu 2>&1 | tail -12 | tee $OUT/r/sanitize.txt
(cd $OUT && tar -czf r.tgz r && rm -rf r)
