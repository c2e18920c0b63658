#!/usr/bin/env bash
# On a GPU machine: builds of the dispatch benchmark against each other in one call. Each variant
# is BUILD/bench/dispatch_combine_bench_<variant> ("head" is BUILD/bench/dispatch_combine_bench);
# the variants run one after another, PADGRAPH_AB_ROUNDS times (3), so that drift shows as a
# difference between rounds, not between variants. Writes one JSON per variant and round into
# $OUT (else BUILD/ab) and prints each case's median per variant (the median of its rounds'
# medians, so that with three rounds or more one round slowed by something else on the machine
# does not move it) and the spread between rounds. Each run is cut after PADGRAPH_AB_TIMEOUT_S
# seconds (120).
#   source build-gpu/env.sh; tools/ab-bench.sh build-gpu 'loopback/world:2/a2a_ll/' pre head
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:?build folder}" && pwd)
filter=${2:?benchmark filter}
shift 2
(($# >= 1)) || { echo "ab-bench: name at least one variant" >&2; exit 2; }
out=${OUT:-$build/ab}
mkdir -p "$out"
[[ -n ${NCCL_NVLS_ENABLE:-} ]] || source "$build/env.sh"
rounds=${PADGRAPH_AB_ROUNDS:-3}
for ((round = 1; round <= rounds; ++round)); do
  for variant in "$@"; do
    binary=$build/bench/dispatch_combine_bench
    [[ $variant == head ]] || binary+=_$variant
    timeout "${PADGRAPH_AB_TIMEOUT_S:-120}" "$binary" --benchmark_filter="$filter" \
      --benchmark_out="$out/$variant.$round.json" --benchmark_out_format=json \
      > "$out/$variant.$round.log" 2>&1 ||
      echo "ab-bench: $variant round $round: rc $?, see $out/$variant.$round.log"
  done
done
python3 - "$out" "$rounds" "$@" <<'PY'
import json, os, statistics, sys
out, rounds, variants = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
medians = {}  # name -> variant -> [median_us per round]
for v in variants:
    for r in range(1, rounds + 1):
        path = os.path.join(out, f"{v}.{r}.json")
        if not os.path.exists(path):
            continue
        try:
            report = json.load(open(path))
        except ValueError:  # a run cut by its timeout leaves its JSON unfinished
            print(f"ab-bench: {path} is not whole JSON (the run was cut?): skipped")
            continue
        for b in report.get("benchmarks", []):
            if "median_us" in b and not b.get("error_occurred"):
                medians.setdefault(b["name"], {}).setdefault(v, []).append(b["median_us"])
print(f"{'case':58s}" + "".join(f"{v:>16s}" for v in variants) + "   spread")
for name, per in medians.items():
    cells, spread = "", 0.0
    for v in variants:
        runs = per.get(v, [])
        cells += f"{statistics.median(runs):16.2f}" if runs else f"{'-':>16s}"
        spread = max(spread, max(runs) - min(runs) if runs else 0.0)
    print(f"{name:58s}{cells}{spread:9.2f}")
PY
