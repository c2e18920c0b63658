#!/usr/bin/env bash
# The table at f842ee2: stop 26's run-next.sh PART=table (tools/dispatch-bench.sh, torch beside).
mkdir -p "$OUT"
PART=table bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh > "$OUT/run-next.log" 2>&1
tar -xzf "$OUT/table.tgz" -C /tmp && tail -25 /tmp/table/table.txt
