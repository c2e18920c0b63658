#!/usr/bin/env bash
# Stop 38 call 2 (610f776: the row's lines stored in the layout): every gpu / multi_gpu test of the build
# (tools/gpu-check.sh's tests part, ctest -L 'gpu|multi_gpu'), then the SASS order check.
mkdir -p "$OUT"
source build-gpu/env.sh
export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
OUT=$OUT/gpu PADGRAPH_GPU_CHECK_PARTS=tests timeout 500 tools/gpu-check.sh build-gpu > "$OUT/gpu-check.txt" 2>&1
echo "gpu-check rc=$?"
grep -E "tests passed|Failed|\*\*\*" "$OUT/gpu/ctest.log" | head -20
tools/sass-copy-order.sh build-gpu/bench/dispatch_combine_bench > "$OUT/sass.log" 2>&1
echo "sass_copy_order rc=$?"
(cd "$OUT" && tar -czf gpu.tgz gpu && rm -rf gpu)
