// The float64 reference forward.
#include "padgraph/model_stubs/reference.h"

#include <algorithm>

#include "absl/status/status.h"
#include "fmt/format.h"
#include "host_math.h"

namespace padgraph {
namespace {

using model_stubs_internal::AddAttention;
using model_stubs_internal::AddGatedFfn;
using model_stubs_internal::MatVec;
using model_stubs_internal::RmsNorm;
using model_stubs_internal::RouteTopK;

int64_t ParamCount(const StubWeights& weights) {
  const ModelDims& d = weights.model().dims;
  int64_t expert = 3 * d.hidden * d.moe_intermediate;
  int64_t dense_layer = 3 * d.hidden * d.dense_intermediate;
  int64_t moe_layer = d.num_experts * d.hidden + (d.num_experts + d.num_shared_experts) * expert;
  return 2 * d.vocab * d.hidden +
         int64_t{d.num_decoder_layers} * 2 * d.hidden * weights.attention_width() +
         d.first_moe_layer * dense_layer + (d.num_decoder_layers - d.first_moe_layer) * moe_layer;
}

}  // namespace

absl::StatusOr<ReferenceModel> ReferenceModel::Create(const StubWeights& weights) {
  const int64_t params = ParamCount(weights);
  if (params > kMaxReferenceParams) {
    return absl::InvalidArgumentError(
        fmt::format("model {} has {} parameters; the float64 reference holds at most {}",
                    weights.model().dims.name, params, kMaxReferenceParams));
  }
  const ModelDims& d = weights.model().dims;
  ReferenceModel reference;
  reference.model_ = weights.model();
  reference.attention_width_ = weights.attention_width();
  reference.embedding_ = weights.Full(WeightKind::kEmbedding, -1, -1);
  reference.lm_head_ = weights.Full(WeightKind::kLmHead, -1, -1);
  for (int layer = 0; layer < d.num_decoder_layers; ++layer) {
    LayerWeights w;
    w.attn_q = weights.Full(WeightKind::kAttnQ, layer, -1);
    w.attn_o = weights.Full(WeightKind::kAttnO, layer, -1);
    if (layer < d.first_moe_layer) {
      w.gate = weights.Full(WeightKind::kDenseGate, layer, -1);
      w.up = weights.Full(WeightKind::kDenseUp, layer, -1);
      w.down = weights.Full(WeightKind::kDenseDown, layer, -1);
    } else {
      w.router = weights.Full(WeightKind::kRouter, layer, -1);
      for (int e = 0; e < d.num_experts; ++e) {
        w.expert_gate.push_back(weights.Full(WeightKind::kExpertGate, layer, e));
        w.expert_up.push_back(weights.Full(WeightKind::kExpertUp, layer, e));
        w.expert_down.push_back(weights.Full(WeightKind::kExpertDown, layer, e));
      }
      for (int s = 0; s < d.num_shared_experts; ++s) {
        w.expert_gate.push_back(weights.Full(WeightKind::kSharedGate, layer, s));
        w.expert_up.push_back(weights.Full(WeightKind::kSharedUp, layer, s));
        w.expert_down.push_back(weights.Full(WeightKind::kSharedDown, layer, s));
      }
    }
    reference.layers_.push_back(std::move(w));
  }
  return reference;
}

std::vector<double> ReferenceModel::Logits(int token, const ReferenceOptions& options,
                                           int* ties_taken) const {
  return Run(token, options, ties_taken, nullptr);
}

std::vector<std::vector<int>> ReferenceModel::Routing(int token) const {
  std::vector<std::vector<int>> routing;
  Run(token, {}, nullptr, &routing);
  return routing;
}

std::vector<double> ReferenceModel::Run(int token, const ReferenceOptions& options, int* ties_taken,
                                        std::vector<std::vector<int>>* routing) const {
  const ModelDims& d = model_.dims;
  const int64_t hidden = d.hidden;
  const int64_t widest = std::max({attention_width_, d.dense_intermediate, d.moe_intermediate});
  std::vector<double> x(embedding_.begin() + token * hidden,
                        embedding_.begin() + (token + 1) * hidden);
  std::vector<double> n(hidden), scratch(2 * widest + hidden), logits(d.num_experts),
      probs(d.num_experts);
  std::vector<int> experts(d.top_k);
  std::vector<double> expert_weights(d.top_k);
  int moe_index = 0;
  for (int layer = 0; layer < d.num_decoder_layers; ++layer) {
    const LayerWeights& w = layers_[layer];
    AddAttention(w.attn_q.data(), w.attn_o.data(), hidden, attention_width_, x.data(),
                 scratch.data());
    RmsNorm(x.data(), hidden, n.data());
    if (layer < d.first_moe_layer) {
      AddGatedFfn(w.gate.data(), w.up.data(), w.down.data(), hidden, d.dense_intermediate, n.data(),
                  1.0, x.data(), scratch.data());
      continue;
    }
    MatVec(w.router.data(), d.num_experts, hidden, n.data(), logits.data());
    RouteTopK(logits.data(), d.num_experts, d.top_k, probs.data(), experts.data(),
              expert_weights.data());
    if (options.device_routing && moe_index < static_cast<int>(options.device_routing->size())) {
      const std::vector<int>& device = (*options.device_routing)[moe_index];
      std::vector<int> mine(experts), theirs(device);
      std::sort(mine.begin(), mine.end());
      std::sort(theirs.begin(), theirs.end());
      if (!theirs.empty() && mine != theirs) {
        double kth = 1.0;
        for (int e : experts)
          kth = std::min(kth, probs[e]);
        double sum = 0;
        for (int e = 0; e < d.num_experts; ++e)
          sum += probs[e];
        bool near_tie = std::all_of(device.begin(), device.end(), [&](int e) {
          return probs[e] / sum >= kth / sum - options.tie_tolerance;
        });
        if (near_tie) {
          double chosen = 0;
          for (int e : device)
            chosen += probs[e];
          for (int64_t j = 0; j < d.top_k; ++j) {
            experts[j] = device[j];
            expert_weights[j] = probs[device[j]] / chosen;
          }
          if (ties_taken) ++*ties_taken;
        }
      }
    }
    ++moe_index;
    if (routing) routing->push_back(experts);
    std::vector<double> y(hidden, 0.0);
    for (int64_t j = 0; j < d.top_k; ++j) {
      int e = experts[j];
      AddGatedFfn(w.expert_gate[e].data(), w.expert_up[e].data(), w.expert_down[e].data(), hidden,
                  d.moe_intermediate, n.data(), expert_weights[j], y.data(), scratch.data());
    }
    for (int64_t s = 0; s < d.num_shared_experts; ++s) {
      size_t e = static_cast<size_t>(d.num_experts + s);
      AddGatedFfn(w.expert_gate[e].data(), w.expert_up[e].data(), w.expert_down[e].data(), hidden,
                  d.moe_intermediate, n.data(), 1.0, y.data(), scratch.data());
    }
    for (int64_t h = 0; h < hidden; ++h)
      x[h] += y[h];
  }
  RmsNorm(x.data(), hidden, n.data());
  std::vector<double> out(d.vocab);
  MatVec(lm_head_.data(), d.vocab, hidden, n.data(), out.data());
  return out;
}

RowComparison RowChecker::Compare(int token, const float* got,
                                  const std::vector<std::vector<int>>& device_routing) {
  auto cached = unrouted_.find(token);
  if (cached == unrouted_.end()) cached = unrouted_.emplace(token, reference_.Logits(token)).first;
  RowComparison result;
  result.unrouted_error = RelativeL2Error(got, cached->second);
  result.relative_error = result.unrouted_error;
  if (result.relative_error <= tolerance_) return result;
  result.routing_differs = device_routing != reference_.Routing(token);
  result.relative_error = RelativeL2Error(
      got,
      reference_.Logits(token, {.device_routing = &device_routing, .tie_tolerance = tie_tolerance_},
                        &result.ties_taken));
  return result;
}

std::vector<std::vector<int>> RoutingOfRow(const int* record, int moe_layers, int max_rows,
                                           int top_k, int row) {
  std::vector<std::vector<int>> routing(moe_layers);
  for (int layer = 0; layer < moe_layers; ++layer) {
    const int* chosen = record + (static_cast<size_t>(layer) * max_rows + row) * top_k;
    routing[layer].assign(chosen, chosen + top_k);
  }
  return routing;
}

}  // namespace padgraph
