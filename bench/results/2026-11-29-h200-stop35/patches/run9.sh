#!/usr/bin/env bash
# Stop 35 call 9: memcheck at the final kernels (stop 26's run-next.sh PART=sanitize, with
# LinesAndRowsSumAlikeBitForBit added: it launches both line sums).
mkdir -p "$OUT"
PART=sanitize bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh > "$OUT/run-next.log" 2>&1
tail -12 "$OUT/run-next.log"
