// Deterministic weights of the DeepSeek-V3-shaped stub decoder. Every element is a pure function of
// (seed, weight kind, decoder layer, expert, row, column), so a rank materializes only its shard (a
// TP slice, its experts) and the float64 reference materializes the whole; all agree element for
// element without any weight file.
//
// The stub's function, per token (every layer is row-independent, so padding a row can never
// change another row's result):
//   x  = E[token]
//   per decoder layer l:
//     attention stand-in  x += Wo_l silu(Wq_l rms(x))                      (width heads x v_head)
//     dense FFN           x += Wd_l (silu(Wg_l rms(x)) * Wu_l rms(x))
//     MoE                 n = rms(x); p = softmax(Wr_l n); top-k of p, weights renormalized;
//                         x += sum_k w_k expert_{e_k}(n) + sum_s shared_s(n)  (experts as the FFN)
//   logits = Wlm rms(x)
// rms(v) = v / sqrt(mean(v^2) + 1e-6). Matrices are row-major [rows, cols] and act as y = W x.
#pragma once

#include <cstdint>
#include <vector>

#include "padgraph/padding_policy/model_spec.h"

namespace padgraph {

enum class WeightKind {
  kEmbedding,   // [vocab, hidden]
  kAttnQ,       // [attention width, hidden]
  kAttnO,       // [hidden, attention width]
  kDenseGate,   // [dense_intermediate, hidden]
  kDenseUp,     // [dense_intermediate, hidden]
  kDenseDown,   // [hidden, dense_intermediate]
  kRouter,      // [num_experts, hidden]
  kExpertGate,  // [moe_intermediate, hidden], one per routed expert
  kExpertUp,
  kExpertDown,  // [hidden, moe_intermediate]
  kSharedGate,  // as the expert ones, one per shared expert
  kSharedUp,
  kSharedDown,
  kLmHead,  // [vocab, hidden]
};

struct WeightShape {
  int64_t rows = 0;
  int64_t cols = 0;
};

// kBf16 rounds every element as the CUDA decoder stores it (double to float to bf16, each round to
// nearest even), so a float64 reference over these weights differs from the device only by the
// device's activation rounding.
enum class WeightPrecision { kFloat64, kBf16 };

// Round to nearest even, double -> float -> bf16, as __float2bfloat16_rn((float)v).
double RoundToBf16(double value);

class StubWeights {
 public:
  StubWeights(const ModelSpec& model, uint64_t seed,
              WeightPrecision precision = WeightPrecision::kFloat64)
      : model_(model), seed_(seed), precision_(precision) {}

  const ModelSpec& model() const { return model_; }
  uint64_t seed() const { return seed_; }
  int64_t attention_width() const {
    return model_.dims.attention.num_heads * model_.dims.attention.v_head_dim;
  }
  WeightShape Shape(WeightKind kind) const;

  // Element (row, col): uniform in [-1, 1) / sqrt(cols) (the embedding: [-1, 1)), then rounded
  // to the precision.
  double At(WeightKind kind, int layer, int expert, int64_t row, int64_t col) const;

  // Rows [row_begin, row_end) and columns [col_begin, col_end) of one weight, row-major.
  std::vector<double> Block(WeightKind kind, int layer, int expert, int64_t row_begin,
                            int64_t row_end, int64_t col_begin, int64_t col_end) const;
  // The whole weight.
  std::vector<double> Full(WeightKind kind, int layer, int expert) const {
    WeightShape shape = Shape(kind);
    return Block(kind, layer, expert, 0, shape.rows, 0, shape.cols);
  }

 private:
  ModelSpec model_;
  uint64_t seed_;
  WeightPrecision precision_;
};

}  // namespace padgraph
