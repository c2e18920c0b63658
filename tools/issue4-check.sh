#!/usr/bin/env bash
# On a GPU machine: the device-API transports' GPU tests (a2a_ll, lsa_gather, the decoder over them,
# the line tearing check, the Create agreement), each under a time limit, and the row copies' order
# in the machine code (tools/sass-copy-order.sh); logs into $OUT (else
# BUILD/issue4-results) and a short table last.
#   source build-gpu/env.sh; tools/issue4-check.sh build-gpu
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build-gpu}" && pwd)
out=${OUT:-$build/issue4-results}
mkdir -p "$out"
[[ -n ${NCCL_NVLS_ENABLE:-} ]] || source "$build/env.sh"
export NCCL_GRAPH_MIXING_SUPPORT=${NCCL_GRAPH_MIXING_SUPPORT:-0}
nvidia-smi -L > "$out/gpus.txt"
echo "commit $(cat "$build/COMMIT" 2>/dev/null)" >> "$out/gpus.txt"
summary=()
run() {
  local name=$1 limit=$2
  shift 2
  timeout "$limit" "$@" > "$out/$name.log" 2>&1
  local rc=$?
  summary+=("$(printf '%-24s rc %3d  %s' "$name" "$rc" \
    "$(grep -E '^\[  (PASSED|FAILED) ' "$out/$name.log" | paste -sd' ')")")
}
run line_tearing_test 120 "$build/tests/line_tearing_test"
run a2a_ll_test 240 "$build/tests/a2a_ll_test"
run lsa_gather_test 240 "$build/tests/lsa_gather_test"
run a2a_ll_decode_test 240 "$build/tests/a2a_ll_decode_test"
run nccl_decode_test_a2a_ll 300 "$build/tests/nccl_decode_test" --gtest_filter='*a2a_ll*'
timeout 120 "$root/tools/sass-copy-order.sh" "$build/bench/dispatch_combine_bench" \
  > "$out/sass_copy_order.log" 2>&1
sass_rc=$?
summary+=("$(printf '%-24s rc %3d  %s kernels ok' sass_copy_order "$sass_rc" \
  "$(grep -c '^ok' "$out/sass_copy_order.log")")")
printf '%s\n' "${summary[@]}" | tee "$out/summary.txt"
