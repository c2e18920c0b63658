#!/usr/bin/env bash
# stop 15 run 2: the tests at f95c765 on 4 GPUs, the jitter stress 10 times, and the raw variant
# (no __syncwarp in StoreLinePart / LoadLineParts) against the lane-0-sleeps probe and the stress.
set -u
b=build-gpu
o=$OUT
mkdir -p $o/check $o/stress $o/raw
OUT=$o/check timeout 330 tools/issue4-check.sh $b > /dev/null 2>&1
for i in 1 2 3 4 5 6 7 8 9 10; do
  timeout 60 $b/tests/a2a_ll_test --gtest_filter='*JitterStress*' > $o/stress/run$i.log 2>&1
  echo "stress run $i rc $? $(grep -E '^\[  (PASSED|FAILED) ' $o/stress/run$i.log | paste -sd' ')" >> $o/stress/summary.txt
done
timeout 60 $b/tests/line_tearing_test_raw --gtest_filter='*SleptAlone*' > $o/raw/line_tearing_raw.log 2>&1
echo "line_tearing raw rc $?" >> $o/raw/summary.txt
grep -E "torn|Failure|Which is|OK|FAILED" $o/raw/line_tearing_raw.log | head -20 >> $o/raw/summary.txt
timeout 90 $b/tests/a2a_ll_test_raw --gtest_filter='*JitterStress*' > $o/raw/a2a_ll_raw.log 2>&1
echo "a2a_ll raw rc $? $(grep -E '^\[  (PASSED|FAILED) ' $o/raw/a2a_ll_raw.log | paste -sd' ')" >> $o/raw/summary.txt
grep -h "eager" $o/raw/a2a_ll_raw.log | head -8 >> $o/raw/summary.txt
cat $o/check/summary.txt $o/stress/summary.txt $o/raw/summary.txt
