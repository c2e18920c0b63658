#!/usr/bin/env bash
# JitterStress on 2 GPUs, 25 runs each of prev (c19cac9: loop-start __syncwarp) and conv2.
set -u
b=build-gpu; o=$OUT; mkdir -p $o/s
for v in prev conv2; do
  for i in $(seq 1 25); do
    timeout 40 $b/tests/a2a_ll_test_$v --gtest_filter='*JitterStress*2gpus*' > $o/s/$v.$i.log 2>&1
    rc=$?; echo "$v $i rc $rc" >> $o/s/summary.txt
    [[ $rc == 0 ]] && rm $o/s/$v.$i.log
  done
done
grep -c "rc 0" $o/s/summary.txt; grep -v "rc 0" $o/s/summary.txt
cd $o && tar czf s.tgz s && rm -rf s
