#!/usr/bin/env bash
# The main job on its embedded default: set-up (tools/setup.sh), then padgraph-inspect on the seed
# scenario: DeepSeek-V3 over 16 ranks, 120 requests (8 on ranks 0-7, 7 on ranks 8-15), a2a_ll MoE,
# dense_tp 1, lm_head dp; every policy side by side. Extra arguments go to padgraph-inspect.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

"$padgraph_build/tools/padgraph-inspect" --preset deepseek-v3 --world 16 \
  --tokens 8,8,8,8,8,8,8,8,7,7,7,7,7,7,7,7 --moe a2a_ll --dense_tp 1 --lm_head dp "$@"

# The tiny preset decoded end to end through the graph runner (CUDA graphs where a GPU is, else
# the host backend), every row checked against the float64 reference; then the legacy `sum`
# padding on the host backend, whose counted wire bytes show the padding it sends.
"$padgraph_build/tools/padgraph-decode"
"$padgraph_build/tools/padgraph-decode" --backend host --policy sum --moe a2a_padded --steps 6
