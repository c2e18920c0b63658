#!/usr/bin/env bash
# Stop 19 run 9 (2 or 4 GPUs), at dd53f70: tools/issue4-check.sh (the decoder's new test under sum,
# the graph of layers with rows once and the new jitter shapes on NVLink ranks), then
# tools/sanitize.sh (memcheck, five cases) at the final kernels.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
root=$OUT
mkdir -p $root/12-check $root/13-sanitize
OUT=$root/12-check tools/issue4-check.sh build-gpu > $root/12-check/table.txt 2>&1
cat $root/12-check/table.txt
grep -h "Sum\|GraphOfMany\|RowsOncePerRankIsBit\|FAILED\|Failure" $root/12-check/*.log | head -30
OUT=$root/13-sanitize tools/sanitize.sh build-gpu > $root/13-sanitize/table.txt 2>&1
cat $root/13-sanitize/table.txt
cd $root && tar -czf run9.tgz 12-check 13-sanitize
