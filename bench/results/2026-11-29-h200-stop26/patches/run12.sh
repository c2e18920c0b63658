#!/usr/bin/env bash
# Stop 26, call 12 (2 x H200, NVLink; the first multi-GPU machine lent since stop 18) at a1965d5:
# tools/issue4-check.sh (a2a_ll, lsa_gather and the decoder's tests on 2 GPUs and between loopback
# ranks, the SASS order check), then tools/dispatch-bench.sh at 1 / 8 / 32 / 128 rows (every
# backend, every SM budget, torch's padded all_to_all beside them, the byte floor).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; nvidia-smi topo -m | head -4; cat build-gpu/COMMIT
mkdir -p $OUT/check $OUT/table
OUT=$OUT/check timeout 240 tools/issue4-check.sh build-gpu > $OUT/check/table.txt 2>&1
tail -8 $OUT/check/table.txt
OUT=$OUT/table PADGRAPH_DISPATCH_ROWS=1,8,32,128 PADGRAPH_BENCH_TIMEOUT_S=200 timeout 300 \
  tools/dispatch-bench.sh build-gpu > $OUT/table/table.txt 2>&1
echo "table rc $?"; tail -32 $OUT/table/table.txt
