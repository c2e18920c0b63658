// The start of the device-API transports' collective Create: the NCCL check, the communicator and
// the options check (window offsets depend on the options, so every rank must pass the same ones).
// Internal to ep_backend.
#pragma once

#include <nccl.h>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace padgraph::device_exchange {

// Collective: all-gathers every rank's `values` (one per name in `names`) and fails on every rank,
// naming `component`, the field and two differing values, when any rank's differ from rank 0's.
absl::Status CheckSameOptions(ncclComm_t comm, int world, const char* component,
                              absl::Span<const char* const> names,
                              absl::Span<const int64_t> values);

// This GPU's place in a communicator.
struct CommPlace {
  int world = 0;
  int rank = 0;
};

// What every transport's Create does first, in this order: the loaded NCCL is the version of the
// headers (nccl_version.h), `comm` is set, and every rank passed the same options
// (CheckSameOptions, collective). Returns this rank's place in `comm`.
absl::StatusOr<CommPlace> BeginCollectiveCreate(ncclComm_t comm, const char* component,
                                                absl::Span<const char* const> names,
                                                absl::Span<const int64_t> values);

}  // namespace padgraph::device_exchange
