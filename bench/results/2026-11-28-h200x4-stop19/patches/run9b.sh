#!/usr/bin/env bash
# Stop 19 run 9b (one GPU: no 2- or 4-GPU machine lent), at dd53f70: memcheck over loopback cases
# of the a2a_ll kernels as they are (2 ranks on one GPU): the graph of six layers with and without
# rows once per rank, and rows once per rank at its extremes.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT; mkdir -p $root/12b-sanitize-loopback
s=/usr/local/cuda/bin/compute-sanitizer
for spec in "GraphOfManyLayersEqualsEagerBitForBit/2ranks_on_1gpu 170" "RowsOncePerRankMatchTheReference/2ranks_on_1gpu 80" "ListOfLinesToSendAtItsBound/2ranks_on_1gpu 60"; do
  c=${spec% *}; limit=${spec#* }
  n=$(echo $c | tr '/' '_')
  timeout $limit $s --tool memcheck --leak-check no --report-api-errors no --error-exitcode 86 build-gpu/tests/a2a_ll_test --gtest_filter="Teams/A2aLlTest.$c" > $root/12b-sanitize-loopback/$n.log 2>&1
  echo "$c rc $? $(grep 'ERROR SUMMARY' $root/12b-sanitize-loopback/$n.log | tail -1) $(grep -E '^\[  (PASSED|FAILED)' $root/12b-sanitize-loopback/$n.log | tr '\n' ' ')"
done | tee $root/12b-sanitize-loopback/summary.txt
cd $root && tar -czf run9b.tgz 12b-sanitize-loopback
