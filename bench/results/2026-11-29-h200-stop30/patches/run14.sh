#!/usr/bin/env bash
# Stop 30, call 14 (2 x H200 over NVLink) at 5949a52 (the final kernels: call 11's and the counters
# in a row per block): stop 26's run-next.sh PART=table (every backend and SM budget at 1 /
# 8 / 32 / 128 rows, torch's padded all_to_all with graph mixing off, the byte floor), the
# benchmark cut at 300 s; then PART=tests.
export PADGRAPH_DISPATCH_ROWS=1,8,32,128 PADGRAPH_BENCH_TIMEOUT_S=300
nvidia-smi topo -m | head -4
PART=table timeout 560 bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh
PART=tests timeout 200 bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh 2>&1 | tail -7
