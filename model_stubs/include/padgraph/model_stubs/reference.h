// The float64 reference: the stub's function (stub_weights.h) for one token, with no padding and
// no parallelism: every weight whole, every expert local.
//
// Rule 2 allows one difference from the device: where top-k routing is a near tie, rounding on the
// device may pick another expert. Given the device's choice for a token, the reference takes it
// when the device's experts are within `tie_tolerance` of its own k-th probability, and counts it.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "padgraph/model_stubs/stub_weights.h"

namespace padgraph {

// The reference materializes every weight; past this many it refuses (full DeepSeek-V3 would be
// 671e9).
inline constexpr int64_t kMaxReferenceParams = int64_t{1} << 28;

struct ReferenceOptions {
  // Per MoE layer (in layer order), the experts the device chose for this token; empty to route
  // on the reference's own choice only.
  const std::vector<std::vector<int>>* device_routing = nullptr;
  double tie_tolerance = 0;
};

class ReferenceModel {
 public:
  static absl::StatusOr<ReferenceModel> Create(const StubWeights& weights);

  // The logits of `token`; adds to *ties_taken the MoE layers where the device's near-tie choice
  // was taken.
  std::vector<double> Logits(int token, const ReferenceOptions& options = {},
                             int* ties_taken = nullptr) const;

  // The experts the reference routes `token` to, per MoE layer in layer order.
  std::vector<std::vector<int>> Routing(int token) const;

  const ModelSpec& model() const { return model_; }

 private:
  struct LayerWeights {
    std::vector<double> attn_q, attn_o;
    std::vector<double> gate, up, down;  // dense FFN
    std::vector<double> router;
    std::vector<std::vector<double>> expert_gate, expert_up, expert_down;  // routed, then shared
  };

  ReferenceModel() = default;
  std::vector<double> Run(int token, const ReferenceOptions& options, int* ties_taken,
                          std::vector<std::vector<int>>* routing) const;

  ModelSpec model_;
  int64_t attention_width_ = 0;
  std::vector<double> embedding_, lm_head_;
  std::vector<LayerWeights> layers_;
};

}  // namespace padgraph
