#!/usr/bin/env bash
# Stop 17 run 2: rank_dedup (Note [Rows once per rank]) first on a GPU: a2a_ll_test, the dispatch
# table with torch (a2a_ll_dedup beside a2a_ll), then the other GPU tests.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/first $OUT/bench $OUT/check
timeout 150 build-gpu/tests/a2a_ll_test > $OUT/first/a2a_ll_test.log 2>&1; echo "a2a_ll_test rc $?" > $OUT/first/summary.txt
grep -E '^\[  (FAILED|PASSED) |Failure|rank_dedup' $OUT/first/a2a_ll_test.log | head -30 >> $OUT/first/summary.txt
OUT=$OUT/bench PADGRAPH_BENCH_TIMEOUT_S=240 tools/dispatch-bench.sh build-gpu > $OUT/bench/table.txt 2>&1
OUT=$OUT/check timeout 200 tools/issue4-check.sh build-gpu > /dev/null 2>&1
cd $OUT && tar -czf run2.tgz first bench check && cat first/summary.txt check/summary.txt && tail -16 bench/table.txt | head -13 && rm -rf first bench check
