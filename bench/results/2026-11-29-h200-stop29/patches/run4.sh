#!/usr/bin/env bash
# Stop 29, call 4 (2 x H200 over NVLink): kA2aLlRankDedupAutoRowsTwoRanks 48 -> 40 (f72c624 plus
# that change; t48: f72c624's benchmark). (a) a2a_ll_dedup, t48 / head at 40 / 44 / 48 rows, every
# SM budget, 3 rounds (head sends once at 44 and 48); (b) tools/issue4-check.sh. t48 is
# build-gpu/bench/dispatch_combine_bench of tools/build-gpu.sh at f72c624, copied to
# dispatch_combine_bench_t48 before the tree with the change was built the same way.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT; mkdir -p $OUT/thr $OUT/tests
OUT=$OUT/thr/runs PADGRAPH_DISPATCH_ROWS=40,44,48 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=80 \
  timeout 200 tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll_dedup/rows:(40|44|48)/' \
  t48 head 2>&1 | tail -12 | sed -E 's/iterations:[0-9]+.manual_time//' > $OUT/thr/ab.txt
grep -l "checked=0\|mismatch\|ERROR" $OUT/*/runs/*.log 2>/dev/null | head
OUT=$OUT/tests timeout 300 tools/issue4-check.sh build-gpu 2>&1 | tail -7
cat $OUT/thr/ab.txt
(cd $OUT && tar -czf all.tgz thr tests && rm -rf thr tests)
