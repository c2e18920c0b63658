#!/usr/bin/env bash
# On a GPU machine (no network, no Abseil): every gpu / multi_gpu test and benchmark of an existing
# build made by tools/build-gpu.sh. Writes JSON into $OUT (else BUILD/gpu-results) as each part
# completes: the machine, the CTest summary, the benchmarks, compute-sanitizer memcheck on reduced
# cases (tools/sanitize.sh), the Python peer; prints a table last. PADGRAPH_GPU_CHECK_PARTS picks
# the parts (a comma list of tests, bench, sanitize, peer; all by default), so the check can be
# split over calls shorter than the whole.
#   source build-gpu/env.sh; tools/gpu-check.sh build-gpu
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build-gpu}" && pwd)
out=${OUT:-$build/gpu-results}
mkdir -p "$out"
[[ -n ${NCCL_NVLS_ENABLE:-} ]] || source "$build/env.sh"
# The runner's collectives are ordered on one stream: NCCL's graph mixing only slows launches
# (cuda_runner.h, Note [Graph launch cost]). One benchmark below runs with it on, to compare.
export NCCL_GRAPH_MIXING_SUPPORT=${NCCL_GRAPH_MIXING_SUPPORT:-0}

card=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
gpus=$(nvidia-smi -L | wc -l)
commit=$(cat "$build/COMMIT" 2>/dev/null || echo unknown)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
parts=,${PADGRAPH_GPU_CHECK_PARTS:-tests,bench,sanitize,peer},
tests_rc=-1 bench_mp_rc=-1 bench_rc=-1 launch_rc=-1 peer_rc=-1

# Tests: the CTest summary, as JSON.
if [[ $parts == *,tests,* ]]; then
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
fi

# Benchmarks. The one-process-per-GPU benchmark forks its ranks from a process that must not have
# used CUDA, so it runs alone (step_host_time_bench.cc, Note [One process per GPU]).
if [[ $parts == *,bench,* ]]; then
"$build/bench/step_host_time_bench" --benchmark_filter=MultiProcess \
  --benchmark_out="$out/step_host_time_mp.json" --benchmark_out_format=json \
  > "$out/bench_mp.log" 2>&1
bench_mp_rc=$?
"$build/bench/step_host_time_bench" --benchmark_filter=-MultiProcess \
  --benchmark_out="$out/step_host_time.json" --benchmark_out_format=json > "$out/bench.log" 2>&1
bench_rc=$?
NCCL_GRAPH_MIXING_SUPPORT=1 "$build/bench/step_host_time_bench" \
  --benchmark_filter='MultiGpu/gpus:4/mode:0/pinned:1' \
  --benchmark_out="$out/step_host_time_mixing.json" --benchmark_out_format=json \
  > "$out/bench_mixing.log" 2>&1
"$build/bench/graph_launch_bench" --benchmark_out="$out/graph_launch.json" \
  --benchmark_out_format=json > "$out/graph_launch.log" 2>&1
launch_rc=$?
fi
if [[ $parts == *,sanitize,* ]]; then
  OUT=$out/sanitize "$root/tools/sanitize.sh" "$build" > "$out/sanitize.txt" 2>&1
fi
if [[ $parts == *,peer,* ]]; then
  python3 "$root/bench/peers/engine_graph_runner.py" --out "$out/peer_engine_runner.json" \
    > "$out/peer.log" 2>&1
  peer_rc=$?
fi

python3 - "$out" "$card" "$gpus" "$commit" "$started" "$tests_rc" "$bench_rc" "$peer_rc" \
  "$bench_mp_rc" "$launch_rc" <<'PY'
import json, os, re, sys
out, card, gpus, commit, started, tests_rc, bench_rc, peer_rc, bench_mp_rc, launch_rc = sys.argv[1:]
def load(name):
    path = os.path.join(out, name)
    return json.load(open(path)) if os.path.exists(path) else None
bench, peer, tests = load("step_host_time.json"), load("peer_engine_runner.json"), load("tests.json")
mixing = load("step_host_time_mixing.json")
bench_mp, launch = load("step_host_time_mp.json"), load("graph_launch.json")
figures = {}
for b in sum(((j or {}).get("benchmarks", []) for j in (bench, bench_mp, launch)), []) + [
        dict(b, name=b["name"].replace("pinned:1", "pinned:1/nccl_graph_mixing:1"))
        for b in (mixing or {}).get("benchmarks", [])]:
    figures[re.sub(r"/(iterations:\d+|manual_time)", "", b["name"])] = {k: v for k, v in b.items()
                          if k not in ("family_index", "per_family_instance_index", "run_name",
                                       "run_type", "repetitions", "repetition_index", "threads")}
summary = {"card": card, "gpus": int(gpus), "commit": commit, "started": started,
           "rc": {"tests": int(tests_rc), "bench": int(bench_rc), "bench_mp": int(bench_mp_rc),
                  "graph_launch": int(launch_rc), "peer": int(peer_rc)},
           "tests": tests and tests["summary"], "padgraph": figures, "peer": peer}
json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=2)
def fig(prefix):
    return next((v for k, v in figures.items() if k.startswith(prefix)), {})
step = fig("BM_StepHostTime/pinned:0")
step_pinned = fig("BM_StepHostTime/pinned:1")
capture = fig("BM_CaptureAllBuckets")
multi = {k.replace("BM_StepHostTimeMultiGpu/", ""): v for k, v in figures.items()
         if k.startswith("BM_StepHostTimeMultiGpu/")}
multi.update({k.replace("BM_StepHostTimeMultiProcess/", "") + "/process:1": v
              for k, v in figures.items() if k.startswith("BM_StepHostTimeMultiProcess/")})
modes = {"0": "a2a_padded", "1": "allgather", "2": "no communicator"}
print(f"card {card} x{gpus}, commit {commit}")
print(f"tests: {summary['tests']} (rc {tests_rc})")
print(f"{'figure':56} {'value':>12}")
rows = [("padgraph Step host time, median (us)", step.get("median_us")),
        ("padgraph Step host time, p90 (us)", step.get("p90_us")),
        ("padgraph Step host time, pinned thread, median (us)", step_pinned.get("median_us")),
        ("padgraph Step host time, pinned thread, p90 (us)", step_pinned.get("p90_us")),
        ("peer Python runner host time, median (us)", peer and peer.get("host_us_median")),
        ("peer Python runner host time, p90 (us)", peer and peer.get("host_us_p90")),
        ("check: relative error vs float64", step.get("check_rel_error")),
        ("capture, all graphs (ms)", capture.get("capture_total_ms")),
        ("graphs", capture.get("graphs")),
        ("graph memory ratio (all / largest)", capture.get("memory_ratio"))]
for name, value in rows:
    print(f"{name:56} {value if value is None else f'{value:12.3f}'}")
print(f"{'several GPUs, one thread or process each (max)':46} {'rank0 med':>9} {'p90':>8} "
      f"{'slowest':>8} {'kernels':>7} {'other':>5}")
for key, v in multi.items():
    parts = dict(p.split(":") for p in key.split("/"))
    if "process" in parts:
        label = f"{parts['gpus']} GPUs, a2a_padded, pinned {parts['pinned']}, one process each"
    else:
        label = f"{parts['gpus']} GPUs, {modes[parts['mode']]}, pinned {parts['pinned']}"
    label += ", NCCL mixing" if "nccl_graph_mixing" in parts else ""
    print(f"{label:46} {v.get('median_us', float('nan')):9.2f} {v.get('p90_us', float('nan')):8.2f} "
          f"{v.get('slowest_rank_median_us', float('nan')):8.2f} "
          f"{v.get('largest_graph_kernel_nodes', 0):7.0f} "
          f"{v.get('largest_graph_host_nodes', 0) + v.get('largest_graph_other_nodes', 0):5.0f}"
          + (f"  {v['error_message']}" if v.get("error_occurred") else ""))
print(f"{'CUDA graph launch, chain of N empty kernels (us)':48} {'host launch':>15} "
      f"{'device launch':>15} {'device us/step':>15}")
print(f"{'kernels':48} {'med':>7} {'p90':>7} {'med':>7} {'p90':>7} {'host':>7} {'device':>7}")
for kernels in sorted({int(k.split(":")[1]) for k in figures if k.startswith("BM_HostGraphLaunch/")
                       or k.startswith("BM_DeviceGraphLaunch/")}):
    host = figures.get(f"BM_HostGraphLaunch/kernels:{kernels}", {})
    device = figures.get(f"BM_DeviceGraphLaunch/kernels:{kernels}", {})
    values = [host.get("median_us"), host.get("p90_us"), device.get("median_us"),
              device.get("p90_us"), host.get("device_step_us"), device.get("device_step_us")]
    errors = [v["error_message"] for v in (host, device) if v.get("error_occurred")]
    print(f"{kernels:<48} " + " ".join("      -" if x is None else f"{x:7.2f}" for x in values)
          + (f"  {errors[0]}" if errors else ""))
print(f"{'CUDA host graph launch, GPUs at once, one thread each (us)':58} {'rank0 med':>9} "
      f"{'p90':>7} {'slowest':>8}")
for key, v in figures.items():
    if not key.startswith("BM_HostGraphLaunchMultiGpu/"):
        continue
    parts = dict(p.split(":") for p in key.split("/")[1:])
    label = f"{parts['gpus']} GPUs, chains of {parts['kernels']} kernels, {parts['graphs']} graphs"
    print(f"{label:58} {v.get('median_us', float('nan')):9.2f} {v.get('p90_us', float('nan')):7.2f} "
          f"{v.get('slowest_rank_median_us', float('nan')):8.2f}"
          + (f"  {v['error_message']}" if v.get("error_occurred") else ""))
PY
if [[ -f $out/sanitize.txt ]]; then
  echo "compute-sanitizer memcheck (reduced cases):"
  cat "$out/sanitize.txt"
fi
