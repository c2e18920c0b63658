#!/usr/bin/env bash
# Stop 38 call 3 (610f776): the table, torch beside.
PART=table bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh 2>&1 | tail -45
