// Row kernels of the stub in float64, shared by the reference and the host backend so both compute
// a row the same way.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace padgraph::model_stubs_internal {

inline double Silu(double v) {
  return v / (1.0 + std::exp(-v));
}

inline void RmsNorm(const double* x, int64_t n, double* out) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i)
    sum += x[i] * x[i];
  double scale = 1.0 / std::sqrt(sum / static_cast<double>(n) + 1e-6);
  for (int64_t i = 0; i < n; ++i)
    out[i] = x[i] * scale;
}

// y = W x for row-major W [rows, cols].
inline void MatVec(const double* w, int64_t rows, int64_t cols, const double* x, double* y) {
  for (int64_t r = 0; r < rows; ++r) {
    const double* row = w + r * cols;
    double acc = 0;
    for (int64_t c = 0; c < cols; ++c)
      acc += row[c] * x[c];
    y[r] = acc;
  }
}

// y += Wd (silu(Wg x) * Wu x): one gated FFN (or a TP shard of one: `inner` of its rows).
inline void AddGatedFfn(const double* gate, const double* up, const double* down, int64_t hidden,
                        int64_t inner, const double* x, double scale, double* y, double* scratch) {
  double* g = scratch;
  double* u = scratch + inner;
  MatVec(gate, inner, hidden, x, g);
  MatVec(up, inner, hidden, x, u);
  for (int64_t i = 0; i < inner; ++i)
    g[i] = Silu(g[i]) * u[i];
  for (int64_t h = 0; h < hidden; ++h) {
    const double* row = down + h * inner;
    double acc = 0;
    for (int64_t i = 0; i < inner; ++i)
      acc += row[i] * g[i];
    y[h] += scale * acc;
  }
}

// x += Wo silu(Wq rms(x)): the attention stand-in (per token; `scratch` holds width + hidden).
inline void AddAttention(const double* q, const double* o, int64_t hidden, int64_t width, double* x,
                         double* scratch) {
  double* n = scratch;
  double* a = scratch + hidden;
  RmsNorm(x, hidden, n);
  MatVec(q, width, hidden, n, a);
  for (int64_t i = 0; i < width; ++i)
    a[i] = Silu(a[i]);
  for (int64_t h = 0; h < hidden; ++h) {
    const double* row = o + h * width;
    double acc = 0;
    for (int64_t i = 0; i < width; ++i)
      acc += row[i] * a[i];
    x[h] += acc;
  }
}

// Softmax over `n` router logits, then the top `k` (ties to the lower index; NaN never wins but
// still yields valid expert indices), weights renormalized over the chosen k. `probs` is scratch.
inline void RouteTopK(const double* logits, int64_t n, int64_t k, double* probs, int* experts,
                      double* weights) {
  double max = -std::numeric_limits<double>::infinity();
  for (int64_t e = 0; e < n; ++e) {
    if (!std::isnan(logits[e])) max = std::max(max, logits[e]);
  }
  double sum = 0;
  for (int64_t e = 0; e < n; ++e) {
    probs[e] = std::isnan(logits[e]) ? 0.0 : std::exp(logits[e] - max);
    sum += probs[e];
  }
  double chosen = 0;
  for (int64_t j = 0; j < k; ++j) {
    int best = -1;
    for (int64_t e = 0; e < n; ++e) {
      bool taken = std::find(experts, experts + j, static_cast<int>(e)) != experts + j;
      if (!taken && (best < 0 || probs[e] > probs[best])) best = static_cast<int>(e);
    }
    experts[j] = best;
    weights[j] = sum > 0 ? probs[best] / sum : 0.0;
    chosen += weights[j];
  }
  for (int64_t j = 0; j < k; ++j)
    weights[j] = chosen > 0 ? weights[j] / chosen : weights[j];
}

}  // namespace padgraph::model_stubs_internal
