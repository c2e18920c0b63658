#!/usr/bin/env bash
# Stop 20, call 3 (one H200, loopback ranks): run2's A/B again with 7 rounds (call 2's rounds had
# outliers of 20-70 us on this machine), median of rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
nvidia-smi --query-gpu=clocks.sm,clocks.max.sm,temperature.gpu,utilization.gpu --format=csv
OUT1=$OUT; export OUT=$OUT1/ab; mkdir -p $OUT
PADGRAPH_AB_ROUNDS=7 tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(0|1|8|128)/' s19 d1 head 2>&1 | tee $OUT1/ab.txt
(cd $OUT1 && tar -czf ab.tar.gz ab && rm -rf ab)
