#!/usr/bin/env bash
# Stop 30, call 11 (2 x H200 over NVLink) at 0ab5fbd (68ae871's kernels: the combine's rows
# warp-major over the group): stop 26's run-next.sh PART=table (every backend and SM budget at 1 /
# 8 / 32 / 128 rows, torch's padded all_to_all with graph mixing off, the byte floor), the
# benchmark cut at 300 s.
export PADGRAPH_DISPATCH_ROWS=1,8,32,128 PADGRAPH_BENCH_TIMEOUT_S=300
nvidia-smi topo -m | head -4
PART=table timeout 560 bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh
