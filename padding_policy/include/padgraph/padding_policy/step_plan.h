// The values a policy produces: what a step looks like (StepShape), which graph serves it
// (KeySelection), the layer shapes of a captured graph (KeyPlan) and the full per-rank plan with
// bytes and predicted time (StepPlan). Plain values, cheap to copy; nothing here touches a device.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "padgraph/padding_policy/graph_key.h"
#include "padgraph/padding_policy/model_spec.h"

namespace padgraph {

enum class PolicyKind { kSum, kMax, kLocal, kPerLayer, kAuto };

// "sum", "max", "local", "per_layer", "auto".
std::string_view PolicyKindName(PolicyKind kind);
absl::StatusOr<PolicyKind> ParsePolicyKind(std::string_view text, std::string_view field);
// Every policy, in the order tables print them.
inline constexpr PolicyKind kAllPolicies[] = {PolicyKind::kSum, PolicyKind::kMax,
                                              PolicyKind::kLocal, PolicyKind::kPerLayer,
                                              PolicyKind::kAuto};

// One rank's view of one step. `agreed_tokens`, when the engine has it (it already all-gathers
// counts under DP attention), holds every rank's count, this rank's included; empty otherwise.
// Non-owning, so building one allocates nothing.
struct StepShape {
  int rank = 0;
  int local_tokens = 0;
  absl::Span<const int> agreed_tokens;
};

enum class StepMode {
  kGraph,  // replay the graph of the selected key
  kEager,  // run the real rows unpadded on every rank (rule 4), in `eager_chunks` chunks
};
// "graph", "eager".
std::string_view StepModeName(StepMode mode);

enum class EagerReason {
  kNone,
  kPastLargestBucket,  // rows past the largest bucket
  kPastEpCapacity,     // MoE rows of the bucket past ep_capacity (all-to-all backends)
};

// What SelectKey returns: the mode and key, and why a step is eager. Built without allocating.
struct KeySelection {
  StepMode mode = StepMode::kGraph;
  GraphKey key;  // meaningful in graph mode only
  // The policy whose plan serves the step: the policy itself, or the one `auto` chose.
  PolicyKind planned_by = PolicyKind::kMax;
  int eager_chunks = 0;  // ceil(max n / ep_capacity) for all-to-all backends, else 1
  EagerReason eager_reason = EagerReason::kNone;
  int eager_rank = -1;   // the rank whose rows did not fit; -1 when it was the global sum
  int eager_rows = 0;    // the tokens that did not fit
  int eager_bucket = 0;  // their bucket (past ep_capacity), 0 when past the largest bucket
  int eager_limit = 0;   // the limit passed: the largest bucket or ep_capacity
};

// What a layer's input is padded to:
//   none          eager: the real rows, unpadded
//   local         bucket(n_r): this rank's own count
//   global_max    bucket(max n) on every rank, or world x that for a gather
//   global_sum    bucket(sum n) on every rank
//   device_count  the device-count gather's world x largest-bucket slots; the count travels on
//                 the device, only real rows move, and the GEMMs that follow run over every slot
//                 row (worst-case M: no GEMM reads the counts)
enum class PadTarget { kNone, kLocal, kGlobalMax, kGlobalSum, kDeviceCount };
std::string_view PadTargetName(PadTarget target);

// The cross-rank operation of a layer. The nccl_ ones are host-API NCCL calls inside the graph
// (rule 1: every rank must replay the peer graph); the lsa_ ones use the NCCL device API.
//   none             no cross-rank traffic
//   nccl_all_gather  all-gather rows in; reduce-scatter out (dense FFN, allgather MoE) or gather
//                    of logit shards (lm_head)
//   nccl_all_reduce  all-reduce of a zero-filled bucket(sum n) buffer in, all-reduce out (`sum`);
//                    for the lm_head, an all-gather of logit shards out
//   nccl_send_recv   grouped send/recv of the bucket to every peer and back (a2a_padded)
//   lsa_gather       device-count gather in, reduce-scatter (or logit shards) out
//   lsa_dispatch     dispatch of each (token, expert) pair to the expert's rank, combine back
enum class Collective {
  kNone,
  kNcclAllGather,
  kNcclAllReduce,
  kNcclSendRecv,
  kLsaGather,
  kLsaDispatch
};
std::string_view CollectiveName(Collective collective);
bool IsHostApi(Collective collective);

// One layer of a captured graph (or of an eager step): shapes only.
struct LayerShape {
  int index = 0;  // position in ModelSpec::layers
  LayerKind kind = LayerKind::kEmbedding;
  int decoder_layer = -1;
  int64_t input_rows = 0;  // rows the layer's input buffer holds and its GEMMs run over
  PadTarget pad_target = PadTarget::kNone;
  Collective collective = Collective::kNone;
  bool padded_rows_sent = false;  // the collective moves padded rows too
};

// Plan(GraphKey): the layer shapes of one graph. Made at capture time.
struct KeyPlan {
  GraphKey key;
  PadTarget local_pad_target = PadTarget::kLocal;  // what local_bucket was chosen from
  std::vector<LayerShape> layers;
};

struct LayerPlan {
  LayerShape shape;
  int64_t wire_bytes = 0;         // owner-accounted, see policy.h
  int64_t padded_wire_bytes = 0;  // the part that carries padded rows
  double predicted_us = 0;
};

// PlanStep: one rank's plan for one step, with bytes and the cost model's prediction.
struct StepPlan {
  PolicyKind policy = PolicyKind::kMax;
  PolicyKind planned_by = PolicyKind::kMax;  // differs from `policy` under auto
  int rank = 0;
  bool needs_agreement = false;
  StepMode mode = StepMode::kGraph;
  std::string eager_reason;  // empty in graph mode
  int eager_chunks = 0;
  std::optional<GraphKey> key;  // empty for an eager step
  std::vector<LayerPlan> layers;
  int64_t wire_bytes = 0;
  int64_t padded_wire_bytes = 0;
  double predicted_us = 0;
};

}  // namespace padgraph
