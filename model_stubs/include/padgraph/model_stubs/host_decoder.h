// The stub decoder on the host backend: one rank's shard of the model in float64, run by the host
// graph runner over plan-sized buffers. Rows past a rank's real count are poisoned with NaN at the
// embedding, so a padded row that leaks into a real result shows. Cross-rank traffic goes through
// HostWorld rendezvous with the collectives the plan names, and every operation counts the wire
// bytes of this rank's rows as it moves them (real and padded apart), from the router's real
// choices, in the model's dtype (not the float64 the host computes in).
//
// Layouts, per collective (W ranks, this rank r with n real rows in a local bucket b):
//   nccl_all_gather   slot s of the gather buffer holds rank s's b rows at s x b
//   nccl_all_reduce   one bucket(sum n) buffer; rank s's real rows at sum of the counts before s
//   lsa_gather        slot s holds rank s's real rows at s x (largest bucket); the rest is NaN and
//                     the GEMM is masked to real rows
//   lsa_dispatch      each (row, expert) pair to the expert's rank, outputs back (a2a_ll)
//   nccl_send_recv    every row to every peer; peers apply their experts by mask (a2a_padded)
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "padgraph/ep_backend/host_comm.h"
#include "padgraph/graph_runtime/host_runner.h"
#include "padgraph/model_stubs/stub_weights.h"
#include "padgraph/padding_policy/parallel_config.h"

namespace padgraph {

class HostDecoder {
 public:
  // `world` is shared by every rank's decoder and outlives them.
  static absl::StatusOr<std::unique_ptr<HostDecoder>> Create(const StubWeights& weights,
                                                             const ParallelConfig& config, int rank,
                                                             HostWorld* world);

  // The runner's forward callback: one operation per layer on args.stream.
  absl::Status Forward(const HostForwardArgs& args);
  // The runner's staging hook: this chunk's token ids (from the step's `step_tokens`) and the
  // counts the operations read at replay.
  absl::Status Stage(const StageArgs& args, absl::Span<const int> step_tokens);

  // Logits of the step's first `rows` rows, row-major [rows, vocab]; valid until the next Step.
  absl::Span<const double> logits(int rows) const {
    return absl::MakeConstSpan(logits_.data(), static_cast<size_t>(rows) * vocab_);
  }

 private:
  struct LayerWeights {
    std::vector<double> attn_q, attn_o;
    std::vector<double> gate, up, down;  // dense FFN, whole or this rank's TP shard
    std::vector<double> router;
    // This rank's routed experts, then the shared ones.
    std::vector<std::vector<double>> expert_gate, expert_up, expert_down;
  };

  HostDecoder(const StubWeights& weights, const ParallelConfig& config, int rank, HostWorld* world);

  absl::Status RunLayer(const LayerShape& shape, StepMode mode, const std::optional<GraphKey>& key,
                        int local_rows);
  void Embed(int rows);
  void Attention(int layer, int rows);
  absl::Status DenseOrLmHead(const LayerShape& shape, StepMode mode,
                             const std::optional<GraphKey>& key, int local_rows);
  absl::Status Moe(const LayerShape& shape, StepMode mode, const std::optional<GraphKey>& key,
                   int local_rows);

  // Rendezvous with this rank's decoder as the payload; `read` gets every rank's decoder.
  absl::Status Exchange(HostOpKind kind, const LayerShape& shape, int64_t elements, StepMode mode,
                        const std::optional<GraphKey>& key,
                        absl::FunctionRef<void(absl::Span<const HostDecoder* const>)> read);

  // y += the gated FFN of the routed expert `expert` (global index) or shared expert `shared`.
  void AddExpert(int layer, int expert, const double* input, double scale, double* out);
  void AddShared(int layer, const double* input, double* out);
  int OwnerOf(int expert) const { return expert / experts_per_rank_; }
  // This layer's rows times its row width, applied by the dense (TP shard) or lm_head (vocab
  // shard) weights of this rank.
  void ApplyShard(const LayerShape& shape, const double* input, double* out);
  int64_t ShardWidth(LayerKind kind) const;
  void Count(LayerKind kind, int64_t real_bytes, int64_t padded_bytes);

  const ModelSpec model_;
  const StubWeights weights_;
  const ParallelConfig config_;
  const int rank_;
  const int world_size_;
  HostWorld* const world_;
  const int64_t hidden_, vocab_, width_, row_bytes_;
  const int experts_per_rank_;
  int64_t dense_inner_ = 0;  // dense FFN rows this rank holds
  int64_t vocab_shard_ = 0;  // lm_head rows this rank holds

  std::vector<double> embedding_, lm_head_;
  std::vector<LayerWeights> layers_;

  // Buffers: grown when a graph is captured or an eager chunk needs more, never during replay.
  std::vector<int> tokens_;
  std::vector<double> x_, normed_, moe_sum_, logits_;
  std::vector<int> route_experts_;
  std::vector<double> route_weights_;
  std::vector<double> gathered_, partial_, moe_out_, scratch_;
  std::vector<double> router_logits_, router_probs_;
  std::vector<int> gathered_counts_;  // rows each rank gave to the last gather

  // Staged per step (or eager chunk), read by the operations at replay.
  int real_rows_ = 0;
  int dispatch_rows_ = 0;
  int out_offset_ = 0;
  int sum_offset_ = 0;
  int sum_rows_ = 0;
  std::vector<int> counts_;  // every rank's rows, when agreed
};

}  // namespace padgraph
