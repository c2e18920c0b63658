#!/usr/bin/env bash
# Stop 21, call 12 (one H200): loopback ranks launching in lockstep, 8 ranks included: a2a_ll_test
# and lsa_gather_test whole, and the benchmark's 8 loopback ranks at 0, 1 and 8 rows.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for t in a2a_ll_test lsa_gather_test; do
  /usr/bin/time -f "$t wall %e s" timeout 150 build-gpu/tests/$t > $OUT/$t.log 2>&1
  echo "$t rc $?"; grep -E '^\[  (PASSED|FAILED) |^\[  FAILED  \] |wall' $OUT/$t.log
  grep -E '^\[ a2a_ll, 8ranks' $OUT/$t.log | cut -c1-120
done
PADGRAPH_DISPATCH_ROWS=1,8 timeout 60 build-gpu/bench/dispatch_combine_bench --benchmark_filter='loopback/world:8/' --benchmark_out=$OUT/loopback8.json --benchmark_out_format=json 2>&1 | grep -E 'loopback|ERROR' | sed -E 's/ +/ /g'
