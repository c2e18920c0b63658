#!/usr/bin/env bash
# Stop 38 call 4 (610f776): compute-sanitizer memcheck (tools/sanitize.sh).
PART=sanitize bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh 2>&1 | tail -30
