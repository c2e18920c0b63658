// Counter-based weight generation.
#include "padgraph/model_stubs/stub_weights.h"

#include <cmath>
#include <cstring>

namespace padgraph {
namespace {

// splitmix64's finalizer: a bijective mix of 64 bits.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

double RoundToBf16(double value) {
  float f = static_cast<float>(value);
  if (std::isnan(f)) return value;
  uint32_t bits = 0;
  std::memcpy(&bits, &f, sizeof(bits));
  bits += 0x7fffu + ((bits >> 16) & 1u);
  bits &= 0xffff0000u;
  std::memcpy(&f, &bits, sizeof(bits));
  return f;
}

WeightShape StubWeights::Shape(WeightKind kind) const {
  const ModelDims& d = model_.dims;
  switch (kind) {
    case WeightKind::kEmbedding:
    case WeightKind::kLmHead:
      return {d.vocab, d.hidden};
    case WeightKind::kAttnQ:
      return {attention_width(), d.hidden};
    case WeightKind::kAttnO:
      return {d.hidden, attention_width()};
    case WeightKind::kDenseGate:
    case WeightKind::kDenseUp:
      return {d.dense_intermediate, d.hidden};
    case WeightKind::kDenseDown:
      return {d.hidden, d.dense_intermediate};
    case WeightKind::kRouter:
      return {d.num_experts, d.hidden};
    case WeightKind::kExpertGate:
    case WeightKind::kExpertUp:
    case WeightKind::kSharedGate:
    case WeightKind::kSharedUp:
      return {d.moe_intermediate, d.hidden};
    case WeightKind::kExpertDown:
    case WeightKind::kSharedDown:
      return {d.hidden, d.moe_intermediate};
  }
  return {};
}

double StubWeights::At(WeightKind kind, int layer, int expert, int64_t row, int64_t col) const {
  const WeightShape shape = Shape(kind);
  uint64_t h = Mix(seed_ ^ (static_cast<uint64_t>(kind) << 56));
  h = Mix(h ^ (static_cast<uint64_t>(layer + 1) << 40) ^ static_cast<uint64_t>(expert + 1));
  h = Mix(h ^ static_cast<uint64_t>(row * shape.cols + col));
  double unit = static_cast<double>(h >> 11) * 0x1.0p-53 * 2.0 - 1.0;  // [-1, 1)
  double value =
      kind == WeightKind::kEmbedding ? unit : unit / std::sqrt(static_cast<double>(shape.cols));
  return precision_ == WeightPrecision::kBf16 ? RoundToBf16(value) : value;
}

std::vector<double> StubWeights::Block(WeightKind kind, int layer, int expert, int64_t row_begin,
                                       int64_t row_end, int64_t col_begin, int64_t col_end) const {
  std::vector<double> block;
  block.reserve(static_cast<size_t>((row_end - row_begin) * (col_end - col_begin)));
  for (int64_t row = row_begin; row < row_end; ++row) {
    for (int64_t col = col_begin; col < col_end; ++col) {
      block.push_back(At(kind, layer, expert, row, col));
    }
  }
  return block;
}

}  // namespace padgraph
