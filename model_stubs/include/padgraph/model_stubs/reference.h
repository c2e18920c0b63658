// The float64 reference: the stub's function (stub_weights.h) for one token, with no padding and
// no parallelism: every weight whole, every expert local.
//
// Rule 2 allows one difference from the device: where top-k routing is a near tie, rounding on the
// device may pick another expert. Given the device's choice for a token, the reference takes it
// when the device's experts are within `tie_tolerance` of its own k-th probability, and counts it.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
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

// ||got - want|| / ||want|| over want.size() logits; infinity where that is NaN, so a NaN row fails
// a tolerance check however it is written.
template <typename T>
double RelativeL2Error(const T* got, const std::vector<double>& want) {
  double error = 0, norm = 0;
  for (size_t v = 0; v < want.size(); ++v) {
    const double d = got[v] - want[v];
    error += d * d;
    norm += want[v] * want[v];
  }
  const double relative = std::sqrt(error / norm);
  return std::isnan(relative) ? std::numeric_limits<double>::infinity() : relative;
}

// Rule 2's check of one device row against the reference.
struct RowComparison {
  double relative_error = 0;     // the verdict: against the reference routed as below
  double unrouted_error = 0;     // against the reference's own routing
  bool routing_differs = false;  // the device's routing differs from the reference's
  int ties_taken = 0;            // MoE layers where the device's near-tie choice was taken
};

// Compares device rows with the reference: first against its own routing (cached per token);
// past `tolerance`, again with the device's routing taken where it is a near tie within
// `tie_tolerance`.
class RowChecker {
 public:
  RowChecker(const ReferenceModel& reference, double tolerance, double tie_tolerance)
      : reference_(reference), tolerance_(tolerance), tie_tolerance_(tie_tolerance) {}

  // `got`: the row's vocab logits; `device_routing`: its experts per MoE layer.
  RowComparison Compare(int token, const float* got,
                        const std::vector<std::vector<int>>& device_routing);

 private:
  const ReferenceModel& reference_;
  const double tolerance_;
  const double tie_tolerance_;
  std::map<int, std::vector<double>> unrouted_;
};

// Row `row`'s experts per MoE layer in a routing record laid out [moe layer][max_rows][top_k]
// (CudaDecoder::routing_device's layout).
std::vector<std::vector<int>> RoutingOfRow(const int* record, int moe_layers, int max_rows,
                                           int top_k, int row);

}  // namespace padgraph
