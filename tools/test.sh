#!/usr/bin/env bash
# Set-up (tools/setup.sh), then every CTest test. GPU tests skip with their reason where no GPU is
# (CTest counts them as skipped, never passed). Extra arguments go to ctest (e.g. -L unit).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ctest --test-dir "$padgraph_build" --output-on-failure --parallel "$(nproc)" "$@"
