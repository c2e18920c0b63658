// The options check of the device-API transports' collective Create: window offsets depend on the
// options, so every rank must pass the same ones. Internal to ep_backend.
#pragma once

#include <nccl.h>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace padgraph::device_exchange {

// Collective: all-gathers every rank's `values` (one per name in `names`) and fails on every rank,
// naming `component`, the field and two differing values, when any rank's differ from rank 0's.
absl::Status CheckSameOptions(ncclComm_t comm, int world, const char* component,
                              absl::Span<const char* const> names,
                              absl::Span<const int64_t> values);

}  // namespace padgraph::device_exchange
