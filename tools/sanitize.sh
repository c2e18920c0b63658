#!/usr/bin/env bash
# On a GPU machine: compute-sanitizer memcheck over reduced cases of the GPU tests of an existing
# build (tools/build-gpu.sh), each case at most PADGRAPH_SANITIZE_TIMEOUT_S seconds (120; rc 124
# when cut). Writes each log into $OUT (else BUILD/sanitize) and prints one line per case: the
# case, the sanitizer's error summary, the test's result.
#   source build-gpu/env.sh; tools/sanitize.sh build-gpu
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build-gpu}" && pwd)
out=${OUT:-$build/sanitize}
mkdir -p "$out"
[[ -n ${NCCL_NVLS_ENABLE:-} ]] || source "$build/env.sh"
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)

run_case() {
  local name=$1 binary=$2 filter=$3
  # API errors off: NCCL's start-up probes a kernel per architecture and gets
  # cudaErrorNoKernelImageForDevice for those not built, by design (seen: 18 and 238 such reports,
  # no memory error).
  timeout "${PADGRAPH_SANITIZE_TIMEOUT_S:-120}" "$sanitizer" --tool memcheck --leak-check no \
    --report-api-errors no --target-processes all --error-exitcode 86 \
    "$build/tests/$binary" --gtest_filter="$filter" > "$out/$name.log" 2>&1
  local rc=$?
  local summary
  summary=$(grep -E "ERROR SUMMARY" "$out/$name.log" | tail -1)
  local tests
  tests=$(grep -E "^\[  (PASSED|FAILED|SKIPPED) " "$out/$name.log" | tr '\n' ' ')
  printf '%-34s rc %-3s %-36s %s\n' "$name" "$rc" "${summary:-no summary}" "$tests"
}

run_case one_gpu_replay_eq_eager cuda_decode_test \
  'CudaDecodeTest.GraphReplayEqualsTheSamePlanLaunchedEagerlyBitForBit:CudaDecodeTest.CaptureReportsEveryGraph'
run_case two_gpus_a2a_padded_tp_max nccl_decode_test 'Gpus/NcclDecodeTest.*/2gpus_a2a_padded_tp_max'
run_case two_gpus_a2a_ll_layers_and_list_bound a2a_ll_test \
  'Teams/A2aLlTest.GraphOfManyLayersEqualsEagerBitForBit/2gpus:Teams/A2aLlTest.ListOfLinesToSendAtItsBound/2gpus'
run_case two_gpus_a2a_ll_line_sums a2a_ll_test 'Teams/A2aLlTest.LinesAndRowsSumAlikeBitForBit/2gpus'
run_case two_gpus_a2a_ll_rank_dedup a2a_ll_test 'Teams/A2aLlTest.RowsOncePerRankMatchTheReference/2gpus'
run_case two_gpus_a2a_ll_lines_floor a2a_ll_test 'Teams/A2aLlTest.LinesFloorDeliversEveryRowBitForBit/2gpus'
run_case two_gpus_decode_local_sum_per_layer_lsa a2a_ll_decode_test \
  'Gpus/A2aLlDecodeTest.GraphReplayEqualsTheSamePlanLaunchedEagerlyBitForBit/2gpus'
