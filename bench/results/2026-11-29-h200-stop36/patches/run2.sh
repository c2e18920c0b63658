#!/usr/bin/env bash
# Stop 36 call 2 (tree 7e0dab8 + the new expiry test, kernels of 78cb939): the table, torch beside.
PART=table bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh 2>&1 | tail -45
