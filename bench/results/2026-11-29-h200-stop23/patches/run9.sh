#!/usr/bin/env bash
# Stop 23, call 9 (one H200, loopback ranks): the combine's later entries below the list's count
# (entries, 9925d40) and the dispatch's unpack two units at a time (head, ec8b6a0) against prev
# (ed50b9e), 0-128 rows on 2 and 4 ranks, 1 and 8 rows on 8, 3 rounds; the GPU tests at head; PC
# sampling of head at 4 rows, 2 ranks.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,32,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:(0|1|2|4|8|32|128)|8/a2a_ll/rows:(1|8))/' prev entries head 2>&1 | tail -17
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu 2>&1 | tail -6
(cd $OUT/tests && tar -czf ../tests.tgz . ) && rm -rf $OUT/tests
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:$LD_LIBRARY_PATH
CUDA_INJECTION64_PATH=$PWD/tools/tmpdiag/libpcsamp.so PCSAMP_FILTER=Kernel PCSAMP_TOP=100000 \
  timeout 120 build-gpu/bench/dispatch_combine_bench --benchmark_filter="loopback/world:2/a2a_ll/rows:4/" > $OUT/pcsamp.rows4.log 2>&1
echo "pcsamp rc $?"; gzip $OUT/pcsamp.rows4.log
