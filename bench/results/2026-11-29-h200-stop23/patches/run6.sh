#!/usr/bin/env bash
# Stop 23, call 6 (one H200, loopback ranks): (a) the timeline variant (stop 22's timeline.py on
# f87009a) at 0, 1, 2, 4 rows on 2 ranks; (b) head (f87009a: the words' loops by FastDivisors)
# against tp (4ba62c5) and base (49737aa), and t256 on head, 0-8 rows on 2 and 4 ranks, 3 rounds;
# (c) PC sampling of head at 4 rows, 2 ranks, every PC.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for f in 'loopback/world:2/a2a_ll/rows:0/' 'loopback/world:2/a2a_ll/rows:1/' 'loopback/world:2/a2a_ll/rows:2/' 'loopback/world:2/a2a_ll/rows:4/'; do
  n=timeline.$(echo $f | tr '/:' '__')
  PADGRAPH_DISPATCH_ROWS=1,2,4 timeout 60 build-gpu/bench/dispatch_combine_bench_timeline --benchmark_filter="$f" > $OUT/$n.log 2>&1
  echo "== $f rc $?"; grep -E "^TL|manual_time" $OUT/$n.log | sed -E 's/ +/ /g' | cut -c1-170
done
(cd $OUT && tar -czf timeline.tgz timeline.*.log && rm timeline.*.log)
export PADGRAPH_DISPATCH_ROWS=1,2,4,8 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(0|1|2|4|8)/' base tp head t256 2>&1 | tail -12
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:$LD_LIBRARY_PATH
CUDA_INJECTION64_PATH=$PWD/tools/tmpdiag/libpcsamp.so PCSAMP_FILTER=Kernel PCSAMP_TOP=100000 \
  timeout 120 build-gpu/bench/dispatch_combine_bench --benchmark_filter="loopback/world:2/a2a_ll/rows:4/" > $OUT/pcsamp.rows4.log 2>&1
echo "pcsamp rc $?"; grep -E "pcsamp:|manual_time" $OUT/pcsamp.rows4.log | head -4
gzip $OUT/pcsamp.rows4.log
