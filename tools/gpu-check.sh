#!/usr/bin/env bash
# On a GPU machine (no network, no Abseil): every gpu / multi_gpu test and benchmark of an existing
# build made by tools/build-gpu.sh. Writes JSON into $OUT (else BUILD/gpu-results) as each part
# completes: the machine, the CTest summary, the benchmarks, the Python peer; prints a table last.
#   source build-gpu/env.sh; tools/gpu-check.sh build-gpu
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build-gpu}" && pwd)
out=${OUT:-$build/gpu-results}
mkdir -p "$out"
[[ -n ${NCCL_NVLS_ENABLE:-} ]] || source "$build/env.sh"

card=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
gpus=$(nvidia-smi -L | wc -l)
commit=$(cat "$build/COMMIT" 2>/dev/null || echo unknown)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# Tests: the CTest summary, as JSON.
(cd "$root" && ctest --test-dir "$build" -L 'gpu|multi_gpu' -V -j1) \
  > "$out/ctest.log" 2>&1
tests_rc=$?
python3 - "$out" "$tests_rc" <<'PY'
import json, re, sys
out, rc = sys.argv[1], int(sys.argv[2])
log = open(f"{out}/ctest.log").read()
m = re.search(r"(\d+)% tests passed,?(?: (\d+) tests failed)? out of (\d+)", log)
json.dump({"rc": rc, "summary": m.group(0) if m else None,
           "failed": int(m.group(2) or 0) if m else None, "total": int(m.group(3)) if m else None,
           "tests": [l.strip() for l in log.splitlines() if re.match(r"\s*\d+/\d+ Test", l)],
           "figures": [l for l in log.splitlines() if "rows checked" in l]},
          open(f"{out}/tests.json", "w"), indent=2)
PY

# Benchmarks.
"$build/bench/step_host_time_bench" --benchmark_out="$out/step_host_time.json" \
  --benchmark_out_format=json > "$out/bench.log" 2>&1
bench_rc=$?
python3 "$root/bench/peers/engine_graph_runner.py" --out "$out/peer_engine_runner.json" \
  > "$out/peer.log" 2>&1
peer_rc=$?

python3 - "$out" "$card" "$gpus" "$commit" "$started" "$tests_rc" "$bench_rc" "$peer_rc" <<'PY'
import json, os, sys
out, card, gpus, commit, started, tests_rc, bench_rc, peer_rc = sys.argv[1:]
def load(name):
    path = os.path.join(out, name)
    return json.load(open(path)) if os.path.exists(path) else None
bench, peer, tests = load("step_host_time.json"), load("peer_engine_runner.json"), load("tests.json")
figures = {}
for b in (bench or {}).get("benchmarks", []):
    figures[b["name"].split("/")[0]] = {k: v for k, v in b.items()
                          if k not in ("family_index", "per_family_instance_index", "run_name",
                                       "run_type", "repetitions", "repetition_index", "threads")}
summary = {"card": card, "gpus": int(gpus), "commit": commit, "started": started,
           "rc": {"tests": int(tests_rc), "bench": int(bench_rc), "peer": int(peer_rc)},
           "tests": tests and tests["summary"], "padgraph": figures, "peer": peer}
json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=2)
step = figures.get("BM_StepHostTime", {})
step4 = figures.get("BM_StepHostTime4GpuA2aPadded", {})
capture = figures.get("BM_CaptureAllBuckets", {})
print(f"card {card} x{gpus}, commit {commit}")
print(f"tests: {summary['tests']} (rc {tests_rc})")
print(f"{'figure':56} {'value':>12}")
rows = [("padgraph Step host time, median (us)", step.get("median_us")),
        ("padgraph Step host time, p90 (us)", step.get("p90_us")),
        ("4 GPUs a2a_padded: Step host time, rank 0 median (us)", step4.get("median_us")),
        ("4 GPUs a2a_padded: slowest rank, median (us)", step4.get("slowest_rank_median_us")),
        ("4 GPUs a2a_padded: check vs float64", step4.get("check_rel_error")),
        ("peer Python runner host time, median (us)", peer and peer.get("host_us_median")),
        ("peer Python runner host time, p90 (us)", peer and peer.get("host_us_p90")),
        ("check: relative error vs float64", step.get("check_rel_error")),
        ("capture, all graphs (ms)", capture.get("capture_total_ms")),
        ("graphs", capture.get("graphs")),
        ("graph memory ratio (all / largest)", capture.get("memory_ratio"))]
for name, value in rows:
    print(f"{name:56} {value if value is None else f'{value:12.3f}'}")
PY
