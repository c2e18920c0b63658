#!/usr/bin/env bash
# Stop 31, call 11 (2 x H200 over NVLink) at 9b6b201 (the kernels of 5949a52, stop 30's last):
# stop 26's run-next.sh PART=sanitize (tools/sanitize.sh: compute-sanitizer memcheck over the
# reduced GPU test cases).
PART=sanitize timeout 560 bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh 2>&1 | tail -12
