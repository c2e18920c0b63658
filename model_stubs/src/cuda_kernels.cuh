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
// renormalized over the chosen. Rows past `rows` are not touched. Also zeroes `fill`
// ([fill_count], the dispatch's per-expert slot counters) and copies the choices of rows
// [begin, begin + record_rows) to `record`, where begin = record_begin (+ *record_offset when not
// null), saving two graph nodes per MoE layer.
cudaError_t RouteTopK(const float* logits, int experts, int top_k, int rows, int* route_experts,
                      float* route_weights, int* fill, int fill_count, int* record,
                      int record_begin, const int* record_offset, int record_rows,
                      cudaStream_t stream);

// The rows of a dispatch are laid out as `world` slots of `slot_rows` rows (rank p's rows in slot
// p); row r is routed when r % slot_rows < counts[r / slot_rows] (every row when `counts` is null:
// the `sum` layout runs padded rows through experts). Each routed (row, k) pair whose
// expert e is local (local_begin <= e < local_begin + local_experts) is copied into that expert's
// next slot of expert_in [local_experts, slots, hidden]; slot_of_pair gets the slot, -1 for pairs
// not run here. `fill` ([local_experts]) must be zero on entry.
cudaError_t DispatchMasked(const bf16* rows_in, const int* route_experts, const int* counts,
                           int slot_rows, int world, int top_k, int local_begin, int local_experts,
                           int slots, int64_t hidden, bf16* expert_in, int* slot_of_pair, int* fill,
                           cudaStream_t stream);

// For each of `rows` rows: the weighted sum of its local experts' outputs. With `x`, adds it and
// `shared_out` to x (one rank owns every expert); else writes it to `partial` for the reduction
// across ranks.
cudaError_t Combine(const bf16* expert_out, const int* route_experts, const float* route_weights,
                    const int* slot_of_pair, int rows, int top_k, int local_begin, int slots,
                    int64_t hidden, const bf16* shared_out, bf16* x, bf16* partial,
                    cudaStream_t stream);

// x[r] += sum over the `terms` buffers (each [rows, hidden], `stride` elements apart) of term[r],
// plus `extra` (nullable).
cudaError_t AddRows(bf16* x, const bf16* terms, int terms_count, int64_t stride, const bf16* extra,
                    int rows, int64_t hidden, cudaStream_t stream);

// The all_reduce_sum layout (`sum` with gathers): this rank's *real_rows rows of `local` into
// `buffer` at row *offset; the rest of `buffer` ([rows, hidden]) zero.
cudaError_t PlaceAtOffset(const bf16* local, const int* real_rows, const int* offset, int rows,
                          int64_t hidden, bf16* buffer, cudaStream_t stream);
// x[r] += summed[*offset + r] (+ extra[r]) for r < *real_rows.
cudaError_t AddFromOffset(bf16* x, const bf16* summed, const int* real_rows, const int* offset,
                          const bf16* extra, int rows, int64_t hidden, cudaStream_t stream);
// out[r, p * shard + v] = in[p][*offset + r][v] for r < *real_rows (in: [world, rows, shard]).
cudaError_t InterleaveFromOffset(const float* in, const int* real_rows, const int* offset,
                                 int world, int rows, int64_t shard, float* out,
                                 cudaStream_t stream);

// Counts one collective's wire bytes for this rank's rows (owner accounting): `rows` rows of which
// min(*real_rows, rows) are real; bytes(r) = r * numerator / denominator. counters[0] += bytes of
// the real rows, counters[1] += the rest (f(rows) - f(real), as the plan accounts).
cudaError_t CountWire(unsigned long long* counters, const int* real_rows, int rows,
                      int64_t numerator, int64_t denominator, cudaStream_t stream);

// The padded wire bytes of an a2a_ll dispatch that sends padded rows (`sum`): each (row, k) of
// rows [*real_rows, min(*sent_rows, rows)) whose expert lives on another rank (expert /
// local_experts != rank) adds 2 x row_bytes (its dispatch and its combine) to *counter; when
// min(*sent_rows, rows) > once_above (the transport's rank_dedup_rows: a2a_ll.h Note [Rows once
// per rank]), each (row, other rank) that a row's experts reach adds them instead. Ranks < 32.
cudaError_t CountPaddedPairs(unsigned long long* counter, const int* route_experts, int top_k,
                             const int* real_rows, const int* sent_rows, int rows,
                             int local_experts, int rank, int64_t row_bytes, int once_above,
                             cudaStream_t stream);

// out[r, p * shard + v] = in[p][r][v]: vocab shards from every rank into full logits rows.
cudaError_t InterleaveShards(const float* in, int world, int rows, int64_t shard, float* out,
                             cudaStream_t stream);

}  // namespace padgraph::stub_kernels
