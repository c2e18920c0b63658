// The host communicator: ranks as threads of one process, the CPU reference backend's way of
// moving rows between ranks. Every cross-rank operation is a rendezvous: each rank posts a
// description of the operation and a pointer to its payload, waits (blocking on a condition
// variable, never spinning) until every rank has posted, reads what it needs from the peers'
// payloads, then waits until every rank has finished reading, so no payload changes under a
// reader.
//
// Note [Failing fast where a GPU would hang]
// NCCL hangs when ranks issue different collectives, different sizes, or replay graphs that were
// not captured together (rule 1). The host communicator fails instead, naming the mismatch: every
// rank must issue the same operation kinds in the same order for the same layer in the same mode
// (graph or eager); for host-API operations (the ones NCCL runs from the host) also the same
// element count and the same GraphKey. Device-API operations (a2a_ll dispatch, lsa gathers) may
// differ in size and key across ranks, as they may on GPUs. Once an error is set, every later
// operation on every rank returns it at once. A rank that never arrives is reported after a
// timeout naming the ranks that are missing.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "padgraph/padding_policy/graph_key.h"
#include "padgraph/padding_policy/step_plan.h"

namespace padgraph {

enum class HostOpKind {
  kAllGather,      // host API
  kReduceScatter,  // host API
  kAllReduce,      // host API
  kSendRecv,       // host API (a2a_padded dispatch and combine)
  kLsaGather,      // device API
  kLsaReduce,      // device API (the reduce-scatter back of a device-count gather)
  kDispatch,       // device API (a2a_ll)
  kCombine,        // device API (a2a_ll)
};
std::string_view HostOpKindName(HostOpKind kind);
bool IsHostApi(HostOpKind kind);

// What a rank says it is doing; compared across ranks (Note [Failing fast where a GPU would hang]).
struct HostOpDesc {
  HostOpKind kind = HostOpKind::kAllGather;
  int layer = -1;        // index in ModelSpec::layers
  int64_t elements = 0;  // this rank's contribution; must match across ranks for host-API ops
  StepMode mode = StepMode::kGraph;
  std::optional<GraphKey> key;  // the graph being replayed; empty in eager mode
};

// Bytes a rank's own rows put on the wire, split into real and padded rows (DESIGN.md section 4's
// owner accounting), counted by the operations as they move them.
struct WireCounters {
  int64_t moe_real_bytes = 0;
  int64_t moe_padded_bytes = 0;
  int64_t gather_real_bytes = 0;  // dense TP and lm_head TP layers
  int64_t gather_padded_bytes = 0;

  int64_t total() const {
    return moe_real_bytes + moe_padded_bytes + gather_real_bytes + gather_padded_bytes;
  }
};

class HostWorld {
 public:
  explicit HostWorld(int world, absl::Duration timeout = absl::Seconds(60));
  HostWorld(const HostWorld&) = delete;
  HostWorld& operator=(const HostWorld&) = delete;

  int world() const { return world_; }

  // Rank `rank` takes part in one operation: posts `desc` and `payload`, and once every rank has
  // posted (and the descriptions agree) runs `read_peers` with every rank's payload, indexed by
  // rank; returns when every rank has run it. Errors: the mismatch or the timeout, for every rank.
  absl::Status Rendezvous(int rank, const HostOpDesc& desc, const void* payload,
                          absl::FunctionRef<void(absl::Span<const void* const>)> read_peers);

  // The counters of `rank`; operations add to the owner's counters, so read them between steps.
  WireCounters& counters(int rank) { return counters_[rank]; }

  // The first error any rank saw (OK while none).
  absl::Status error() const;

 private:
  absl::Status WaitForAll(std::unique_lock<std::mutex>& lock, int rank, int& arrived,
                          int64_t& generation, std::string_view phase);
  absl::Status CheckDescriptions() const;

  const int world_;
  const absl::Duration timeout_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<HostOpDesc> posted_;
  std::vector<const void*> payloads_;
  std::vector<bool> present_;
  std::vector<int64_t> op_index_;  // per rank: operations started
  int posted_count_ = 0;
  int64_t posted_generation_ = 0;
  int finished_count_ = 0;
  int64_t finished_generation_ = 0;
  absl::Status error_;
  std::vector<WireCounters> counters_;
};

}  // namespace padgraph
