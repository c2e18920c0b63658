#!/usr/bin/env python3
"""Fits the cost model's lsa_dispatch and lsa_dispatch_once to dispatch_combine_bench results.

Reads Google Benchmark JSON files of bench/dispatch_combine_bench (tools/dispatch-bench.sh or
tools/ab-bench.sh output, or tarballs of them). Several rounds of one case give the median of
their medians; of tools/ab-bench.sh's files (VARIANT.ROUND.json) only --variant's count. Each
(world, rows) is taken at its best SM budget, as an engine would set max_sms (at one fixed budget
the smallest counts run up to 5% slower), and fitted by least squares on relative error as
padding_policy/src/cost_model.cc prices a layer:

  lsa_dispatch       a2a_ll (one copy per pair) at rows <= AutoRankDedupRows(world)
  lsa_dispatch_once  a2a_ll_dedup (the default) at rows above it

each as latency_us + per_peer_us x (world - 2) + bytes / gbps, where bytes are the model's
uniform-routing wire bytes 2 x rows x top_k x (world - 1) / world x hidden x 2 (policy.h).
With one world in the files per_peer_us cannot be fitted: it is held at --per_peer_us (and
--per_peer_once_us). A fit with a negative term is refused (the cost model reads none). Prints
each point against its fit, then the JSON object that `padgraph-inspect --cost_model FILE` takes.

  tools/fit-dispatch-cost.py bench/results/.../ab.tgz
"""
import argparse
import json
import os
import re
import statistics
import sys
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RANK_DEDUP_H = os.path.join(ROOT, "padding_policy/include/padgraph/padding_policy/rank_dedup.h")
NAME = re.compile(r"^dispatch_combine/world:(\d+)/(a2a_ll|a2a_ll_dedup)/rows:(\d+)/sms:(\d+)/")


def dedup_thresholds():
    """AutoRankDedupRows' two constants, read from rank_dedup.h so that the fit and the model
    agree on which rows each collective prices."""
    with open(RANK_DEDUP_H) as f:
        text = f.read()
    values = {}
    for name in ("kA2aLlRankDedupAutoRows", "kA2aLlRankDedupAutoRowsTwoRanks"):
        match = re.search(name + r"\s*=\s*(\d+)\s*;", text)
        if match is None:
            sys.exit(f"fit-dispatch-cost: {name} not found in {RANK_DEDUP_H}")
        values[name] = int(match.group(1))
    return lambda world: (values["kA2aLlRankDedupAutoRowsTwoRanks"] if world == 2
                          else values["kA2aLlRankDedupAutoRows"])


ROUND_FILE = re.compile(r"^(.+)\.\d+\.json$")  # tools/ab-bench.sh: VARIANT.ROUND.json


def reports(paths, variant):
    """(name, text) of each JSON file given, and of each .json member of each tarball given;
    of files named VARIANT.ROUND.json, only `variant`'s."""
    def wanted(name):
        match = ROUND_FILE.match(os.path.basename(name))
        return match is None or match.group(1) == variant
    for path in paths:
        if tarfile.is_tarfile(path):
            with tarfile.open(path) as tar:
                for member in sorted(tar.getmembers(), key=lambda m: m.name):
                    if member.isfile() and member.name.endswith(".json") and wanted(member.name):
                        yield f"{path}:{member.name}", tar.extractfile(member).read()
        elif wanted(path):
            with open(path, "rb") as f:
                yield path, f.read()


def best_medians(paths, variant):
    """(backend, world, rows) -> (us, sms): the best SM budget's median of round medians."""
    runs = {}
    for name, text in reports(paths, variant):
        try:
            report = json.loads(text)
        except ValueError:
            sys.exit(f"fit-dispatch-cost: {name} is not whole JSON")
        for b in report.get("benchmarks", []):
            match = NAME.match(b.get("name", ""))
            if (match is None or b.get("error_occurred") or b.get("run_type") == "aggregate" or
                    "median_us" not in b):
                continue
            world, backend, rows, sms = match.groups()
            key = (backend, int(world), int(rows), int(sms))
            runs.setdefault(key, []).append(b["median_us"])
    if not runs:
        sys.exit(f"fit-dispatch-cost: no a2a_ll case in the files (variant {variant})")
    best = {}
    for (backend, world, rows, sms), values in runs.items():
        us = statistics.median(values)
        key = (backend, world, rows)
        if key not in best or us < best[key][0]:
            best[key] = (us, sms)
    return best


def solve(rows, columns):
    """Least squares of rows (lists of len(columns) + 1: coefficients then target) by the normal
    equations; columns is how many unknowns."""
    a = [[sum(r[i] * r[j] for r in rows) for j in range(columns)] for i in range(columns)]
    b = [sum(r[i] * r[columns] for r in rows) for i in range(columns)]
    for i in range(columns):  # Gauss-Jordan with partial pivoting
        pivot = max(range(i, columns), key=lambda k: abs(a[k][i]))
        a[i], a[pivot], b[i], b[pivot] = a[pivot], a[i], b[pivot], b[i]
        if abs(a[i][i]) < 1e-12:
            sys.exit("fit-dispatch-cost: the points do not determine the fit (too few rows?)")
        for k in range(columns):
            if k != i:
                f = a[k][i] / a[i][i]
                a[k] = [x - f * y for x, y in zip(a[k], a[i])]
                b[k] -= f * b[i]
    return [b[i] / a[i][i] for i in range(columns)]


def fit(points, per_peer_fixed):
    """points: (world, bytes, us). Minimizes sum(((L + p (W - 2) + bytes s) - us) / us)^2 over
    L, s (us per byte) and, with more than one world, p."""
    worlds = {w for w, _, _ in points}
    fit_peer = len(worlds) > 1
    rows = []
    for world, wire, us in points:
        coeffs = [1 / us, wire / us] + ([(world - 2) / us] if fit_peer else [])
        fixed = per_peer_fixed * (world - 2) if not fit_peer else 0
        rows.append(coeffs + [(us - fixed) / us])
    solution = solve(rows, len(rows[0]) - 1)
    latency, per_byte = solution[0], solution[1]
    per_peer = solution[2] if fit_peer else per_peer_fixed
    if per_byte <= 0:
        sys.exit("fit-dispatch-cost: the fitted rate is not positive (the points do not grow "
                 "with bytes)")
    if latency < 0 or per_peer < 0:
        sys.exit(f"fit-dispatch-cost: the fit has a negative term (latency_us {latency:.2f}, "
                 f"per_peer_us {per_peer:.2f}), which the cost model refuses")
    return {"latency_us": round(latency, 2), "per_peer_us": round(per_peer, 2),
            "gbps": round(1e-3 / per_byte)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("json", nargs="+", help="dispatch_combine_bench JSON files or tarballs")
    parser.add_argument("--variant", default="head",
                        help="of tools/ab-bench.sh's VARIANT.ROUND.json files, the one to fit")
    parser.add_argument("--hidden", type=int, default=7168)
    parser.add_argument("--top_k", type=int, default=8)
    parser.add_argument("--per_peer_us", type=float, default=0.0,
                        help="lsa_dispatch's per-peer term when one world is given")
    parser.add_argument("--per_peer_once_us", type=float, default=1.0,
                        help="lsa_dispatch_once's per-peer term when one world is given")
    args = parser.parse_args()
    threshold = dedup_thresholds()

    def wire(world, rows):
        return 2 * rows * args.top_k * (world - 1) / world * args.hidden * 2

    best = best_medians(args.json, args.variant)
    result = {}
    for field, backend, above, per_peer in (
            ("lsa_dispatch", "a2a_ll", False, args.per_peer_us),
            ("lsa_dispatch_once", "a2a_ll_dedup", True, args.per_peer_once_us)):
        chosen = sorted((world, rows, us, sms) for (b, world, rows), (us, sms) in best.items()
                        if b == backend and (rows > threshold(world)) == above)
        if len({rows for _, rows, _, _ in chosen}) < 2:
            print(f"{field}: fewer than two row counts of {backend} in the files: not fitted")
            continue
        cost = fit([(w, wire(w, r), us) for w, r, us, _ in chosen], per_peer)
        result[field] = cost
        print(f"{field} from {backend}: {cost['latency_us']} us + {cost['per_peer_us']} per peer "
              f"past the first + {cost['gbps']} GB/s")
        print(f"  {'world':>5} {'rows':>5} {'sms':>4} {'measured':>9} {'fit':>7} {'error':>7}")
        for world, rows, us, sms in chosen:
            predicted = (cost["latency_us"] + cost["per_peer_us"] * (world - 2) +
                         wire(world, rows) / (cost["gbps"] * 1e3))
            print(f"  {world:5d} {rows:5d} {sms:4d} {us:9.2f} {predicted:7.2f} "
                  f"{100 * (predicted - us) / us:+6.1f}%")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
