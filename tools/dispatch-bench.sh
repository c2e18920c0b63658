#!/usr/bin/env bash
# On a GPU machine: MoE dispatch + combine per backend (bench/dispatch_combine_bench.cc) and the
# PyTorch peer (bench/peers/torch_all_to_all.py) on 2, 4 and 8 GPUs (those present), side by side
# in one run, and a2a_ll between loopback ranks on GPU 0 (the protocol without NVLink). Writes
# JSON into $OUT (else BUILD/dispatch-results) and prints a short table last. The benchmark is cut
# after PADGRAPH_BENCH_TIMEOUT_S seconds (420).
#   source build-gpu/env.sh; tools/dispatch-bench.sh build-gpu
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build-gpu}" && pwd)
out=${OUT:-$build/dispatch-results}
mkdir -p "$out"
[[ -n ${NCCL_NVLS_ENABLE:-} ]] || source "$build/env.sh"

card=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
gpus=$(nvidia-smi -L | wc -l)
timeout "${PADGRAPH_BENCH_TIMEOUT_S:-420}" "$build/bench/dispatch_combine_bench" \
  --benchmark_out="$out/dispatch_combine.json" --benchmark_out_format=json \
  > "$out/dispatch_bench.log" 2>&1
bench_rc=$?
PYTHONUNBUFFERED=1 python3 "$root/bench/peers/torch_all_to_all.py" --out "$out/torch_peer.json" \
  > "$out/torch_peer.log" 2>&1
peer_rc=$?

python3 - "$out" "$card" "$gpus" "$bench_rc" "$peer_rc" "$(cat "$build/COMMIT" 2>/dev/null)" <<'PY'
import json, os, sys
out, card, gpus, bench_rc, peer_rc, commit = sys.argv[1:]
def load(name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return None
    try:
        return json.load(open(path))
    except ValueError:  # a run cut by its timeout leaves its JSON unfinished
        print(f"dispatch-bench: {path} is not whole JSON (the run was cut?): left out")
        return None
bench, torch = load("dispatch_combine.json"), load("torch_peer.json")
rows = {}
egress = {}
pieces = {}
loopback = {}  # (world, rows) -> backend -> us: every rank on one GPU, no NVLink
errors = []
skipped = {}  # "needs N GPUs" -> cases: teams larger than this machine
for b in (bench or {}).get("benchmarks", []):
    parts = b["name"].split("/")
    if b.get("error_occurred"):
        message = b.get("error_message") or ""
        if message.startswith("needs "):
            skipped[message] = skipped.get(message, 0) + 1
        else:
            errors.append(f"{b['name']}: {message}")
        continue
    world = int(parts[1].split(":")[1])
    if parts[0] == "egress":
        egress[(world, parts[2])] = b.get("GBps")
        continue
    if parts[0] == "parts":
        pieces[(world, "/".join(parts[2:5]))] = b["median_us"]
        continue
    if parts[0] == "loopback":
        loopback.setdefault((world, int(parts[3].split(":")[1])), {})[parts[2]] = b["median_us"]
        continue
    backend, nrows = parts[2], int(parts[3].split(":")[1])
    name = backend if not backend.startswith("a2a_ll") else f"{backend}@{parts[4].split(':')[1]}sm"
    r = rows.setdefault((world, nrows), {})
    r[name] = b["median_us"]
    # The floor of the all-to-all's pairs; lsa_gather's own (its rows out and back) and the
    # deduplicated variant's (its rows, per SM budget: its lines path sends pairs) apart.
    prefix = ("lsa_gather_" if backend == "lsa_gather"
              else f"{name}#" if backend in ("a2a_ll_dedup", "a2a_ll_lines_floor") else "")
    for key in ("floor_us", "nvlink_bytes", "egress_GBps"):
        if key in b:
            r[prefix + key] = b[key]
summary = {"card": card, "gpus": int(gpus), "commit": commit,
           "rc": {"bench": int(bench_rc), "peer": int(peer_rc)}, "errors": errors,
           "skipped": skipped,
           "egress_GBps": {f"{w}/{k}": v for (w, k), v in egress.items()},
           "parts_us": {f"{w}/{k}": v for (w, k), v in pieces.items()},
           "loopback_us": [{"world": w, "rows": n, **r} for (w, n), r in sorted(loopback.items())],
           "rows": []}
print(f"card {card} x{gpus}, commit {commit}, bench rc {bench_rc}, torch rc {peer_rc}")
for e in errors:
    print("ERROR", e)
for message, count in sorted(skipped.items()):
    print(f"skipped {count} cases: {message}")
for (w, k), v in sorted(egress.items()):
    print(f"egress world {w} {k}: {v:.1f} GB/s")
for (w, k), v in sorted(pieces.items()):
    print(f"parts world {w} {k}: {v:.1f} us")
hdr = f"{'W':>2} {'rows':>4} {'a2a_ll':>8} {'(sms)':>5} {'GB/s':>6} {'floor':>7} {'x floor':>7} {'torch a2a':>9} {'x torch':>7} {'rowpath':>8} {'padded':>8} {'allgath':>8} {'torch ag':>8} {'lsa_gath':>8} {'dedup':>8} {'x floor':>7} {'x torch':>7} {'lines fl':>8}"
print(hdr)
for (w, n), r in sorted(rows.items()):
    ll = {k: v for k, v in r.items() if k.startswith("a2a_ll@")}
    row_path = [v for k, v in r.items() if k.startswith("a2a_ll_row_path@")]
    best = min(ll, key=ll.get) if ll else None
    dd = {k: v for k, v in r.items() if k.startswith("a2a_ll_dedup@") and "#" not in k}
    best_dd = min(dd, key=dd.get) if dd else None
    dd_us, dd_floor = dd.get(best_dd), r.get(f"{best_dd}#floor_us")
    t = ((torch or {}).get("worlds", {}).get(str(w), {}) or {}).get(str(n), {})
    ta, tg = t.get("padded_all_to_all_us"), t.get("allgather_reduce_scatter_us")
    us = ll.get(best)
    # The lines' floor (a2a_ll.cu Note [The lines' floor]) at the best a2a_ll's SM budget.
    lines_floor = r.get(f"a2a_ll_lines_floor@{best.split('@')[1]}") if best else None
    floor = r.get("floor_us")
    entry = {"world": w, "rows": n, **r, "best_a2a_ll": best,
             "best_row_path_us": min(row_path) if row_path else None, "torch_padded_all_to_all_us": ta,
             "torch_allgather_reduce_scatter_us": tg,
             "ratio_to_floor": us / floor if us and floor else None,
             "ratio_to_torch": us / ta if us and ta else None,
             "best_dedup": best_dd, "dedup_us": dd_us,
             "dedup_ratio_to_own_floor": dd_us / dd_floor if dd_us and dd_floor else None,
             "dedup_ratio_to_torch": dd_us / ta if dd_us and ta else None,
             "lines_floor_us": lines_floor,
             "GBps": r.get("nvlink_bytes", 0) / (us * 1e3) if us else None}
    summary["rows"].append(entry)
    f = lambda v, p=1: "-" if v is None else f"{v:.{p}f}"
    print(f"{w:>2} {n:>4} {f(us):>8} {best.split('@')[1][:-2] if best else '-':>5} {f(entry['GBps'],0):>6} "
          f"{f(floor):>7} {f(entry['ratio_to_floor'],2):>7} {f(ta):>9} {f(entry['ratio_to_torch'],2):>7} "
          f"{f(min(row_path) if row_path else None):>8} {f(r.get('a2a_padded')):>8} {f(r.get('allgather')):>8} {f(tg):>8} {f(r.get('lsa_gather')):>8} "
          f"{f(dd_us):>8} {f(entry['dedup_ratio_to_own_floor'],2):>7} {f(entry['dedup_ratio_to_torch'],2):>7} "
          f"{f(lines_floor):>8}")
if loopback:
    print("loopback ranks on one GPU (no NVLink), us:")
    print(f"{'W':>2} {'rows':>4} {'a2a_ll':>8} {'rowpath':>8}")
    for (w, n), r in sorted(loopback.items()):
        f = lambda v: "-" if v is None else f"{v:.1f}"
        print(f"{w:>2} {n:>4} {f(r.get('a2a_ll')):>8} {f(r.get('a2a_ll_row_path')):>8}")
json.dump(summary, open(os.path.join(out, "dispatch_summary.json"), "w"), indent=2)
PY
