#!/usr/bin/env bash
# The unpack helper (working tree on 3903838): the GPU tests (stop 26's run-next.sh PART=tests);
# a2a_ll head0 (3903838's kernels) / head (the helper) / compact (compact.py) at 1, 8, 32 rows;
# the lines' floor head / fbar (floorbar.py) / fbarc (floorbar.py + floorcompact.py) at 1, 8 rows.
mkdir -p "$OUT"
start=$SECONDS
PART=tests bash bench/results/2026-11-29-h200-stop26/patches/run-next.sh > "$OUT/run-next.log" 2>&1
tar -xzf "$OUT/tests.tgz" -C /tmp && cat /tmp/tests/summary.txt
grep -h -B2 -A12 "Failure\|FAILED\|expired\|DeadlineExceeded" /tmp/tests/*.log 2>/dev/null | head -40
echo "tests took $((SECONDS - start)) s"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=1,8,32 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll/' head0 head compact 2>&1 | tail -10 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/ab-medians.txt"
echo "a2a_ll ab done at $((SECONDS - start)) s"
OUT=$OUT/abf PADGRAPH_DISPATCH_ROWS=1,8 tools/ab-bench.sh build-gpu \
  'dispatch_combine/world:2/a2a_ll_lines_floor/' head fbar fbarc 2>&1 | tail -7 |
  sed 's/iterations:15\/manual_time//' | tee "$OUT/abf-medians.txt"
echo "all done at $((SECONDS - start)) s"
(cd "$OUT" && tar -czf ab.tgz ab abf && rm -rf ab abf)
