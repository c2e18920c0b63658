#!/usr/bin/env bash
# Stop 35 call 8: the table at e1425c3 (stop 26's run-next.sh PART=table: every backend and SM
# budget at 1 / 8 / 32 / 128 rows, the lines' floor, torch beside, loopback ranks).
mkdir -p "$OUT"
PART=table bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh > "$OUT/run-next.log" 2>&1
tail -45 "$OUT/run-next.log"
