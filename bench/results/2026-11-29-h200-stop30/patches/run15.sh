#!/usr/bin/env bash
# Stop 30, call 15 (one H200) at 5949a52: call 14's one failure (loopback/world:8/a2a_ll_row_path/
# rows:1/sms:8, a 30 s wait expired) repeated: dl (deadline2s.py: the benchmark's wait budget 2 s)
# and onerowdl (headcu.py + deadline2s.py: the counters in one row, as before 5949a52), 12 runs
# each of the 8-rank loopback cases at 1 row, alternating; counts the runs with an error.
source build-gpu/env.sh
cat build-gpu/COMMIT; mkdir -p $OUT/rep
for i in $(seq 1 12); do
  for v in dl onerowdl; do
    timeout 30 build-gpu/bench/dispatch_combine_bench_$v \
      --benchmark_filter='loopback/world:8/a2a_ll(_row_path)?/rows:1/' > $OUT/rep/$v.$i.log 2>&1
    echo "$v $i rc $? $(grep -c 'ERROR OCCURRED' $OUT/rep/$v.$i.log)"
  done
done > $OUT/rep/summary.txt
for v in dl onerowdl; do
  echo "$v: runs with an error $(grep "^$v " $OUT/rep/summary.txt | awk '$5 != 0 || $4 != 0' | wc -l) of 12"
done
grep -h "ERROR OCCURRED" $OUT/rep/*.log | cut -c1-200 | sort | uniq -c | head
(cd $OUT && tar -czf all.tgz rep && rm -rf rep)
