#!/usr/bin/env bash
# diag run: JitterDiag under head and nol kernels on 2 GPUs and loopback ranks
set -u
b=build-gpu/tests
mkdir -p $OUT/diag
nvidia-smi -L > $OUT/diag/gpus.txt
for v in nol head; do
  PADGRAPH_DIAG_ROUNDS=10 timeout 150 $b/a2a_ll_test_diag_$v --gtest_filter='*JitterDiag*:-*4gpus*:*4ranks*' > $OUT/diag/$v.log 2>&1
  echo "$v rc $?" >> $OUT/diag/summary.txt
  grep "DIAG .*rounds bad" $OUT/diag/$v.log >> $OUT/diag/summary.txt
done
cat $OUT/diag/summary.txt
