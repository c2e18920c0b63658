#!/usr/bin/env bash
# Stop 17 run 8 (final tree's kernels): every GPU test, memcheck of every case.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/check $OUT/sanitize
OUT=$OUT/check tools/issue4-check.sh build-gpu > /dev/null 2>&1
OUT=$OUT/sanitize timeout 230 tools/sanitize.sh build-gpu > $OUT/sanitize/table.txt 2>&1; echo "sanitize rc $?" >> $OUT/sanitize/table.txt
cd $OUT && tar -czf run8.tgz check sanitize && cat check/summary.txt sanitize/table.txt && rm -rf check sanitize
