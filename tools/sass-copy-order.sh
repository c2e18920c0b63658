#!/usr/bin/env bash
# Checks a2a_ll.cu Note [Loads ahead of stores] in the machine code: in every a2a_ll dispatch and
# combine kernel and lsa_gather's exchange kernel of BINARY (each cubin's copy), no 16-byte global
# load (LDG.E.128) follows a 16-byte global store (STG.E.128) within one stretch of straight-line
# code (a stretch ends at a branch, an exit or a branch's target), where a row copy's loads and
# stores sit. Prints each kernel's stretches of loads (L) and stores (S). Exit status: 0 when every
# kernel passes, 1 when a load follows a store, 2 when it cannot check (no cuobjdump on PATH or in
# /usr/local/cuda/bin, no such file, cuobjdump failed, or a kernel family missing).
#   tools/sass-copy-order.sh build-gpu/bench/dispatch_combine_bench
set -uo pipefail
binary=${1:?binary holding the a2a_ll and lsa_gather kernels}
[[ -f $binary ]] || { echo "sass-copy-order: no file $binary" >&2; exit 2; }
cuobjdump=$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)
[[ -x $cuobjdump ]] ||
  { echo "sass-copy-order: no cuobjdump on PATH or in /usr/local/cuda/bin" >&2; exit 2; }
sass=$(mktemp)
trap 'rm -f "$sass"' EXIT
"$cuobjdump" -sass "$binary" > "$sass" ||
  { echo "sass-copy-order: cuobjdump -sass $binary failed" >&2; exit 2; }
python3 - "$sass" <<'PY'
import re, sys
families = {"a2a_ll dispatch": r"a2a_ll_cu.*DispatchKernel",
            "a2a_ll combine": r"a2a_ll_cu.*CombineKernel",
            "lsa_gather exchange": r"lsa_gather_cu.*ExchangeKernel"}
kernels = []  # (name, [(address, instruction)])
for line in open(sys.argv[1]):
    m = re.match(r"\s+Function : (\S+)", line)
    if m:
        wanted = any(re.search(p, m.group(1)) for p in families.values())
        kernels.append((m.group(1), []) if wanted else (None, []))
        continue
    m = re.match(r"\s+/\*([0-9a-f]+)\*/\s+(.*?);", line)
    if m and kernels and kernels[-1][0]:
        kernels[-1][1].append((int(m.group(1), 16), m.group(2)))
kernels = [k for k in kernels if k[0]]
missing = [f for f, p in families.items() if not any(re.search(p, n) for n, _ in kernels)]
if missing:
    print("sass-copy-order: no " + ", ".join(missing) + " kernel in the binary", file=sys.stderr)
    sys.exit(2)
bad = 0
for name, code in kernels:
    targets = {int(t, 16) for _, op in code for t in re.findall(r"\bBRA\b.*?(0x[0-9a-f]+)", op)}
    stretches = [""]
    for address, op in code:
        if address in targets:
            stretches.append("")
        if "LDG.E.128" in op:
            stretches[-1] += "L"
        elif "STG.E.128" in op:
            stretches[-1] += "S"
        if re.search(r"\b(BRA|EXIT|RET)\b", op):
            stretches.append("")
    stretches = [s for s in stretches if s]
    late = [s for s in stretches if re.search(r"S.*L", s)]
    bad += len(late)
    runs = [re.sub(r"(.)\1*", lambda m: m.group(1) + str(len(m.group(0))), s) for s in stretches]
    verdict = "LATE LOAD" if late else "ok"
    print("%-9s %s: %s" % (verdict, name[-60:], " | ".join(runs)))
sys.exit(1 if bad else 0)
PY
