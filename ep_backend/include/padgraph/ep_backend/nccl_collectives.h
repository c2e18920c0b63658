// The host-API NCCL backends' launches: MoE `allgather` and `a2a_padded`, and the `host` gathers
// of dense-TP and lm_head-TP layers (DESIGN.md section 3). A thin launcher boundary: raw device
// pointers, row counts, the engine's communicator and stream; each call enqueues its collective
// (in an NVTX range named after it) and returns, so every one of them is capture-safe and may sit
// inside a graph, under rule 1: every rank replays the peer graph captured with it.
//
// Note [Slots]
// Gathered rows sit in `world` slots of `slot_rows` rows each, rank p's rows in slot p. In graph
// mode every rank gives the whole slot (its bucket, padded rows included); in an eager step each
// rank gives its real rows only (`rows_of_rank`, the agreed counts) and slots are the largest
// count. Returning slots is the mirror image: slot p of a rank's [world x slot_rows] partial
// results goes back to rank p, which lands it in slot (sender) of its [world, slot_rows] buffer.
#pragma once

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace padgraph {

struct SlotExchange {
  int world = 1;
  int rank = 0;
  int slot_rows = 0;  // rows per slot
  // Every rank's rows (eager steps); empty: every rank gives slot_rows (graph mode).
  absl::Span<const int> rows_of_rank;
  // Grouped ncclSend/ncclRecv (a2a_padded) instead of ncclAllGather / ncclReduceScatter; eager
  // steps always use send/recv, since their ranks' counts differ.
  bool send_recv = false;

  int RowsOf(int p) const { return rows_of_rank.empty() ? slot_rows : rows_of_rank[p]; }
  bool UsesCollective() const { return !send_recv && rows_of_rank.empty(); }
};

// Every rank's rows of `local` ([rows_of(rank), row_elems]) into `gathered` by slot.
absl::Status GatherSlots(const SlotExchange& exchange, const void* local, int64_t row_elems,
                         ncclDataType_t type, void* gathered, ncclComm_t comm, cudaStream_t stream);

// Slot p of `partial` ([world x slot_rows, row_elems]) to rank p, landing in `received`
// ([world, slot_rows, row_elems]) at the sender's slot: each rank gets its own rows' results
// from every peer, to be summed (dense, MoE) or placed side by side (vocab shards).
absl::Status ReturnSlots(const SlotExchange& exchange, const void* partial, int64_t row_elems,
                         ncclDataType_t type, void* received, ncclComm_t comm, cudaStream_t stream);

// Graph mode with the NCCL collectives: `partial` reduce-scattered, this rank's slot summed over
// every rank into `reduced` ([slot_rows, row_elems]).
absl::Status ReduceScatterSlots(const SlotExchange& exchange, const void* partial,
                                int64_t row_elems, ncclDataType_t type, void* reduced,
                                ncclComm_t comm, cudaStream_t stream);

// `sum`'s layout: an in-place sum all-reduce of `rows` rows.
absl::Status AllReduceRows(void* buffer, int64_t rows, int64_t row_elems, ncclDataType_t type,
                           ncclComm_t comm, cudaStream_t stream);

// Every rank's `rows` rows of `local` side by side in `gathered` ([world, rows, row_elems]).
absl::Status AllGatherRows(const void* local, int64_t rows, int64_t row_elems, ncclDataType_t type,
                           void* gathered, ncclComm_t comm, cudaStream_t stream);

}  // namespace padgraph
