// Agreement on a collective set-up's rank-local steps. A collective Create (a2a_ll's, lsa_gather's,
// a decoder's that makes them) must fail on every rank or on none: a rank that returns early leaves
// its peers blocked in the next collective, and a rank that fails after a collective step tears
// down alone. So such a Create does every step that can fail on one rank only (allocations, checks
// that depend on the GPU) first, agrees on their outcome with AgreeOnSetup, and runs collective
// steps only when every rank succeeded.
#pragma once

#include <nccl.h>

#include "absl/status/status.h"

namespace padgraph {

// Collective over `comm` (every rank, one thread per GPU; a host-API collective, so never inside a
// capture): one ncclAllReduce (ncclMin) of one int on a stream of its own, synchronized. `local` is
// this rank's set-up status. Returns OK on every rank when every rank's was OK; otherwise `local`
// on a rank that failed and FailedPrecondition on the others, naming `component` and the lowest
// rank that failed. The one failure it cannot cover is its own: a rank that cannot allocate the
// agreement's 4-byte buffer and stream (or whose device has failed) returns that error without
// taking part, and its peers block in the all-reduce.
absl::Status AgreeOnSetup(ncclComm_t comm, const char* component, const absl::Status& local);

}  // namespace padgraph
