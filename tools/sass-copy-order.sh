#!/usr/bin/env bash
# Checks a2a_ll.cu Note [Loads ahead of stores] in the machine code: in every a2a_ll dispatch and
# combine kernel and lsa_gather's exchange kernel of BINARY, no 16-byte global load (LDG.E.128)
# follows a 16-byte global store (STG.E.128) within one stretch of code between branches, where a
# row copy's loads and stores sit.
# Needs cuobjdump (on PATH or in /usr/local/cuda/bin); prints each kernel's stretches of loads (L)
# and stores (S), and exits 1 when a load follows a store.
#   tools/sass-copy-order.sh build-gpu/bench/dispatch_combine_bench
set -euo pipefail
binary=${1:?binary holding the a2a_ll kernels}
cuobjdump=$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)
[[ -x $cuobjdump ]] || { echo "sass-copy-order: no cuobjdump on PATH or in /usr/local/cuda/bin" >&2; exit 2; }
"$cuobjdump" -sass "$binary" | python3 -c '
import re, sys
kernels = {}  # name -> stretches, each a string of L and S
name = None
for line in sys.stdin:
    m = re.match(r"\s+Function : (\S+)", line)
    if m:
        name = m.group(1) if re.search(
            r"a2a_ll_cu.*(DispatchKernel|CombineKernel)|lsa_gather_cu.*ExchangeKernel", m.group(1)) else None
        if name: kernels[name] = [""]
        continue
    m = re.match(r"\s+/\*[0-9a-f]+\*/\s+(.*?);", line)
    if not (name and m): continue
    op = m.group(1)
    if re.search(r"\bBRA\b", op): kernels[name].append("")
    elif "LDG.E.128" in op: kernels[name][-1] += "L"
    elif "STG.E.128" in op: kernels[name][-1] += "S"
if not kernels:
    sys.exit("sass-copy-order: no a2a_ll or lsa_gather kernel in the binary")
bad = 0
for name, stretches in sorted(kernels.items()):
    runs = [re.sub(r"(.)\1*", lambda m: m.group(1) + str(len(m.group(0))), s) for s in stretches if s]
    late = [r for s, r in zip([s for s in stretches if s], runs) if re.search(r"S.*L", s)]
    bad += len(late)
    verdict = "LATE LOAD" if late else "ok"
    print("%-9s %s: %s" % (verdict, name[-60:], " | ".join(runs)))
sys.exit(1 if bad else 0)
'
