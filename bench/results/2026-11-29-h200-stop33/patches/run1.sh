#!/usr/bin/env bash
# The lines' floor: its tests, then the floor beside a2a_ll (one copy per pair) on 2 GPUs.
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm --format=csv | tee "$OUT/gpus.txt"
timeout 240 build-gpu/tests/a2a_ll_test --gtest_filter='*LinesFloor*:*RejectsOutOfRange*' \
  > "$OUT/test.log" 2>&1; echo "test rc=$?" | tee -a "$OUT/test.log"
grep -E "^\[ +(OK|FAILED|SKIPPED|PASSED) " "$OUT/test.log" | head -20
timeout 300 build-gpu/bench/dispatch_combine_bench \
  --benchmark_filter='^egress/world:2/|^dispatch_combine/world:2/(a2a_ll|a2a_ll_lines_floor)/' \
  --benchmark_out="$OUT/bench.json" --benchmark_out_format=json > "$OUT/bench.log" 2>&1
echo "bench rc=$?"
python3 - "$OUT/bench.json" <<'PY'
import json, sys, re
d = json.load(open(sys.argv[1]))
t = {}
for b in d["benchmarks"]:
    n = b["name"]
    if "error_message" in b: print(n, "ERROR", b["error_message"]); continue
    if n.startswith("egress"): print(n, round(b.get("GBps", 0), 1), "GB/s"); continue
    m = re.match(r"dispatch_combine/world:2/([a-z0-9_]+)/rows:(\d+)/sms:(\d+)", n)
    t[(m.group(1), int(m.group(2)), int(m.group(3)))] = (b["median_us"], b.get("floor_us", 0), b.get("checked", 0))
print("rows sms   a2a_ll  floor_kernels  byte_floor  gap")
for (name, rows, sms), v in sorted(t.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0])):
    if name != "a2a_ll": continue
    f = t.get(("a2a_ll_lines_floor", rows, sms))
    if f: print(f"{rows:4d} {sms:3d} {v[0]:8.2f} {f[0]:10.2f} {v[1]:10.2f} {v[0]-f[0]:6.2f}  checked {int(v[2])}{int(f[2])}")
PY
