// Launchers of the stub decoder's CUDA kernels: a thin boundary of raw pointers, sizes and a
// stream. Storage is bf16, arithmetic fp32. Row counts that change per step are read on the device
// from `count` pointers (staged before each replay), never passed by value, so one captured graph
// serves every step of its key.
#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime_api.h>

#include <cstdint>

namespace padgraph::stub_kernels {

using bf16 = __nv_bfloat16;

// rows x cols elements of a StubWeights weight, starting at (row_begin, col_begin) of a weight
// whose full width is `full_cols`; the same values StubWeights::At gives, rounded to bf16.
cudaError_t FillWeights(bf16* out, uint64_t seed, int kind, int layer, int expert,
                        int64_t row_begin, int64_t rows, int64_t col_begin, int64_t cols,
                        int64_t full_cols, bool unscaled, cudaStream_t stream);

// x[i] = table[tokens[i]] for i < *count; NaN for the padded rows up to `rows`.
cudaError_t Embed(const int* tokens, const int* count, const bf16* table, int64_t hidden, int rows,
                  bf16* x, cudaStream_t stream);

cudaError_t RmsNorm(const bf16* x, int64_t hidden, int rows, bf16* out, cudaStream_t stream);

// out[r, i] = silu(in[r, i]) * in[r, inner + i]  (in: [rows, 2 inner], gate then up).
cudaError_t SiluMul(const bf16* in, int64_t inner, int rows, bf16* out, cudaStream_t stream);
cudaError_t Silu(bf16* values, int64_t count, cudaStream_t stream);

// Softmax over each row's router logits, top-k (NaN never wins, ties to the lower index), weights
// renormalized over the chosen. Rows past `rows` are not touched. Also zeroes `fill` ([experts],
// the dispatch's per-expert slot counters) and copies the first `record_rows` rows' choices to
// `record`, saving two graph nodes per MoE layer.
cudaError_t RouteTopK(const float* logits, int experts, int top_k, int rows, int* route_experts,
                      float* route_weights, int* fill, int* record, int record_rows,
                      cudaStream_t stream);

// Copies each (row, k) pair of the first *count rows into its expert's next slot of
// expert_in [experts, slots, hidden]; slot_of_pair gets the slot (-1 for rows past *count).
// `fill` ([experts]) must be zero on entry.
cudaError_t DispatchLocal(const bf16* normed, const int* route_experts, const int* count, int rows,
                          int top_k, int slots, int64_t hidden, bf16* expert_in, int* slot_of_pair,
                          int* fill, cudaStream_t stream);

// x[r] += shared_out[r] + sum_k weight[r, k] expert_out[expert[r, k], slot[r, k]] (pairs with a
// slot only).
cudaError_t CombineLocal(const bf16* expert_out, const int* route_experts,
                         const float* route_weights, const int* slot_of_pair, int rows, int top_k,
                         int slots, int64_t hidden, const bf16* shared_out, bf16* x,
                         cudaStream_t stream);

}  // namespace padgraph::stub_kernels
