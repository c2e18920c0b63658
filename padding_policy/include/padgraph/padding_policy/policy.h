// Padding policies (DESIGN.md section 4): how far each layer's input is padded, which graph a step
// replays and which collective each layer uses. A policy has two halves: Plan(GraphKey) runs at
// capture time and may allocate; SelectKey(StepShape) runs every step and allocates nothing when
// it succeeds. PlanStep joins them for the inspector and the tests and adds the bytes and the
// predicted time. Pure, deterministic, host-only.
//
// Note [Which keys may differ across ranks]
// A graph holding a host-API NCCL operation may be replayed only when every rank replays the peer
// graph captured with it (rule 1). So a policy may give ranks different keys only when no layer's
// collective is host-API: `local` (valid only when no layer gathers and the MoE backend is a2a_ll)
// and `per_layer` with a2a_ll and lsa gathers (or no gather layers). Everything else selects
// bucket(max n) or bucket(sum n) from the agreed vector, the same key on every rank.
//
// Note [Eager steps]
// A step that no captured key serves runs eagerly on every rank (rule 4): a count past the largest
// bucket, or, for the all-to-all backends, a bucket past ep_capacity (such keys are never
// captured). With the agreed vector every rank sees the same decision; chunks =
// ceil(max n / ep_capacity) for the all-to-all backends, 1 for allgather, and idle ranks run empty
// chunks. Without the agreed vector a rank cannot know that its peers will go eager with it, so a
// count past those limits is FailedPrecondition naming the limit.
//
// Note [Wire bytes]
// Owner-accounted: the bytes crossing between ranks in one step for one layer on behalf of this
// rank's rows, self-traffic excluded. W = world, row = hidden x dtype bytes, k = top_k, n = this
// rank's real rows, b = the rows it puts on the wire (its bucket when padded rows are sent, else
// n), B = bucket(sum n), N = sum n, logits = vocab / W x 4 (fp32 shards):
//   lsa_dispatch (a2a_ll)         2 x b x k x (W-1) / W x row   one copy per (token, expert) pair
//                                                               that leaves the rank, both ways
//   nccl_send_recv (a2a_padded)   2 x (W-1) x b x row           every row to every peer and back
//   nccl_all_gather, lsa_gather   2 x (W-1) x b x row           rows given plus rows got back
//     lm_head                     (W-1) x b x (row + logits)    rows given, logit shards back
//   nccl_all_reduce (`sum`)       2 x 2 x (W-1) / W x B x row   all-reduce in and all-reduce out
//     lm_head                     2 x (W-1) / W x B x row + (W-1) x B x logits
// padded_wire_bytes applies the same formula to the padded rows (b - n), and for the all-reduce to
// the rows of its buffer that carry no token on any rank (B - N). It is 0 for lsa_dispatch and
// lsa_gather except under `sum`, whose staging writes the padded count so every row is sent (the
// legacy behaviour being measured). These are estimates under uniform routing for the inspector
// and the cost model; the backends count the bytes they really move.
#pragma once

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "padgraph/padding_policy/cost_model.h"
#include "padgraph/padding_policy/graph_key.h"
#include "padgraph/padding_policy/model_spec.h"
#include "padgraph/padding_policy/parallel_config.h"
#include "padgraph/padding_policy/step_plan.h"

namespace padgraph {

class Policy {
 public:
  virtual ~Policy() = default;

  virtual PolicyKind kind() const = 0;
  // True when SelectKey needs StepShape::agreed_tokens (a host all-gather of counts each step).
  virtual bool needs_agreement() const = 0;

  // Every key SelectKey can return, in capture order (CapturesBefore). Capture time.
  virtual std::vector<GraphKey> CaptureKeys() const = 0;
  // The layer shapes of `key`; InvalidArgument for a key this policy never selects. Capture time.
  virtual absl::StatusOr<KeyPlan> Plan(const GraphKey& key) const = 0;
  // Mode and key for one step. Allocates nothing unless it returns an error.
  virtual absl::StatusOr<KeySelection> SelectKey(const StepShape& shape) const = 0;
  // The plan a graph-mode selection is staged by: Plan(selection.key) of the policy that made it
  // (under `auto`, the candidate it chose; keys shared by several policies have equal shapes but
  // differ in pad targets and in whether padded rows are sent).
  virtual absl::StatusOr<KeyPlan> PlanFor(const KeySelection& selection) const {
    return Plan(selection.key);
  }

  const ModelSpec& model() const { return model_; }
  const ParallelConfig& config() const { return config_; }

 protected:
  Policy(ModelSpec model, ParallelConfig config)
      : model_(std::move(model)), config_(std::move(config)) {}

 private:
  ModelSpec model_;
  ParallelConfig config_;
};

// OK when `kind` may run `config`: the config is valid and, for `local`, no layer needs other
// ranks' rows and no host-API collective sits in its graphs. The error names every offending layer
// and the reason, e.g. "decoder layers 0-2 (dense_ffn, TP over 16 ranks) need every rank's rows;
// policy local pads to the local bucket only".
absl::Status Validate(const ParallelConfig& config, PolicyKind kind, const ModelSpec& model);

// The policy, or Validate's error. `cost_model` is used by `auto` to compare candidate plans.
absl::StatusOr<std::unique_ptr<Policy>> MakePolicy(PolicyKind kind, const ModelSpec& model,
                                                   const ParallelConfig& config,
                                                   const CostModel& cost_model = CostModel());

// The layer shapes of an eager step (or chunk) in which this rank runs `rank_rows` real rows and
// all ranks together `total_rows`: real rows, unpadded, with the collectives the backends use
// eagerly.
std::vector<LayerShape> EagerLayerShapes(const ModelSpec& model, const ParallelConfig& config,
                                         int64_t rank_rows, int64_t total_rows);

// One chunk of an eager step (rule 4): the step's rows [begin, begin + counts[r]) of every rank r.
struct EagerChunk {
  int begin = 0;
  std::vector<int> counts;  // every rank's rows in this chunk (idle ranks: 0)
  int64_t total_rows = 0;
};

// The chunks of an eager `selection` over the agreed counts: at most ep_capacity rows per rank and
// chunk for the all-to-all backends, one chunk of everything for allgather. Every rank computes the
// same list.
std::vector<EagerChunk> EagerChunks(const ParallelConfig& config, const KeySelection& selection,
                                    absl::Span<const int> agreed_tokens);

// Whether the staging of `selection` writes the bucket as the MoE dispatch count, so padded rows
// are sent: only under `sum`, the legacy behaviour it measures. Allocation-free.
inline bool StagesPaddedCount(const KeySelection& selection) {
  return selection.planned_by == PolicyKind::kSum;
}

// Select, plan and account one rank's step. Host-only (allocates); for the inspector and tests.
absl::StatusOr<StepPlan> PlanStep(const Policy& policy, const StepShape& shape,
                                  const CostModel& cost_model = CostModel());

}  // namespace padgraph
