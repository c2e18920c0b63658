#!/usr/bin/env bash
# Stop 25, call 15 (one H200, loopback ranks) at 452f864: the lat2 diagnostic (lat with its probes before the line stores) (timeline.py and
# lat.py: the combine's first loads of expert_out, a second load of the same row, a load of a row
# no launch writes, in clock64) at 1, 4 and 8 rows on 2 ranks at 32 SMs and 4 rows at 16.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for c in 1:32 4:32 8:32 4:16; do
  r=${c%%:*}; m=${c#*:}
  PADGRAPH_DISPATCH_ROWS=$r timeout 60 build-gpu/bench/dispatch_combine_bench_lat2 --benchmark_filter="loopback/world:2/a2a_ll/rows:$r/sms:$m" > $OUT/lat.rows$r.sms$m.log 2>&1
  echo "== lat rows $r sms $m rc $?"; grep -E "^CK C|manual_time" $OUT/lat.rows$r.sms$m.log | sed -E 's/ +/ /g' | cut -c1-150
done
(cd $OUT && tar -czf lat.tgz lat.*.log && rm lat.*.log)
