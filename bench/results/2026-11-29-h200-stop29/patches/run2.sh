#!/usr/bin/env bash
# Stop 29, call 2 (2 x H200 over NVLink) at f72c624: stop 28's run-next-2gpu.sh PART=checks
# (tools/issue4-check.sh on 2 GPUs and loopback ranks, then tools/sanitize.sh: memcheck).
PART=checks timeout 560 bash bench/results/2026-11-29-h200-stop28/patches/run-next-2gpu.sh
