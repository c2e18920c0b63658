// The stub decoder's CUDA kernels.
#include <cfloat>
#include <cmath>

#include "cuda_kernels.cuh"

namespace padgraph::stub_kernels {
namespace {

constexpr int kThreads = 256;

__device__ uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

__global__ void FillWeightsKernel(bf16* out, uint64_t seed, int kind, int layer, int expert,
                                  int64_t row_begin, int64_t rows, int64_t col_begin, int64_t cols,
                                  int64_t full_cols, bool unscaled) {
  const uint64_t base = Mix(seed ^ (static_cast<uint64_t>(kind) << 56));
  const uint64_t layer_mix =
      Mix(base ^ (static_cast<uint64_t>(layer + 1) << 40) ^ static_cast<uint64_t>(expert + 1));
  const double root = sqrt(static_cast<double>(full_cols));
  for (int64_t i = blockIdx.x * blockDim.x + threadIdx.x; i < rows * cols;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t row = row_begin + i / cols;
    int64_t col = col_begin + i % cols;
    uint64_t h = Mix(layer_mix ^ static_cast<uint64_t>(row * full_cols + col));
    double unit = static_cast<double>(h >> 11) * 0x1.0p-53 * 2.0 - 1.0;
    // As StubWeights::At: the double, to float, to bf16 (round to nearest even each time).
    out[i] = __float2bfloat16_rn(static_cast<float>(unscaled ? unit : unit / root));
  }
}

__global__ void EmbedKernel(const int* tokens, const int* count, const bf16* table, int64_t hidden,
                            bf16* x) {
  const int row = blockIdx.x;
  const bool real = row < *count;
  const int token = real ? tokens[row] : 0;
  for (int64_t h = threadIdx.x; h < hidden; h += blockDim.x) {
    x[row * hidden + h] = real ? table[token * hidden + h] : __float2bfloat16(NAN);
  }
}

__device__ float BlockSum(float value) {
  __shared__ float partial[32];
  for (int offset = 16; offset > 0; offset /= 2)
    value += __shfl_xor_sync(0xffffffff, value, offset);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) partial[warp] = value;
  __syncthreads();
  value = threadIdx.x < blockDim.x / 32 ? partial[threadIdx.x] : 0.0f;
  if (warp == 0) {
    for (int offset = 16; offset > 0; offset /= 2) {
      value += __shfl_xor_sync(0xffffffff, value, offset);
    }
    if (lane == 0) partial[0] = value;
  }
  __syncthreads();
  float total = partial[0];
  __syncthreads();
  return total;
}

__global__ void RmsNormKernel(const bf16* x, int64_t hidden, bf16* out) {
  const bf16* row = x + blockIdx.x * hidden;
  float sum = 0;
  for (int64_t h = threadIdx.x; h < hidden; h += blockDim.x) {
    float v = __bfloat162float(row[h]);
    sum += v * v;
  }
  const float scale = rsqrtf(BlockSum(sum) / static_cast<float>(hidden) + 1e-6f);
  for (int64_t h = threadIdx.x; h < hidden; h += blockDim.x) {
    out[blockIdx.x * hidden + h] = __float2bfloat16(__bfloat162float(row[h]) * scale);
  }
}

__device__ float SiluF(float v) {
  return v / (1.0f + __expf(-v));
}

__global__ void SiluMulKernel(const bf16* in, int64_t inner, int64_t total, bf16* out) {
  for (int64_t i = blockIdx.x * blockDim.x + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t row = i / inner, col = i % inner;
    float gate = __bfloat162float(in[row * 2 * inner + col]);
    float up = __bfloat162float(in[row * 2 * inner + inner + col]);
    out[i] = __float2bfloat16(SiluF(gate) * up);
  }
}

__global__ void SiluKernel(bf16* values, int64_t count) {
  for (int64_t i = blockIdx.x * blockDim.x + threadIdx.x; i < count;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    values[i] = __float2bfloat16(SiluF(__bfloat162float(values[i])));
  }
}

// One warp per row.
__global__ void RouteTopKKernel(const float* logits, int experts, int top_k, int rows,
                                int* route_experts, float* route_weights, int* fill, int fill_count,
                                int* record, int record_begin, const int* record_offset,
                                int record_rows) {
  if (record_offset != nullptr) record_begin += *record_offset;
  if (blockIdx.x == 0) {
    for (int e = threadIdx.x; e < fill_count; e += blockDim.x)
      fill[e] = 0;
  }
  const int row = blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;
  const float* l = logits + static_cast<int64_t>(row) * experts;
  auto value = [&](int e) { return isnan(l[e]) ? -INFINITY : l[e]; };
  float max = -INFINITY;
  for (int e = lane; e < experts; e += 32)
    max = fmaxf(max, value(e));
  for (int offset = 16; offset > 0; offset /= 2) {
    max = fmaxf(max, __shfl_xor_sync(0xffffffff, max, offset));
  }
  const bool dead = max == -INFINITY;  // a NaN row: route anywhere valid, weight 0
  float chosen_sum = 0;
  int taken[16];
  for (int j = 0; j < top_k; ++j) {
    float best = -INFINITY;
    int best_e = experts;
    for (int e = lane; e < experts; e += 32) {
      bool is_taken = false;
      for (int t = 0; t < j; ++t)
        is_taken |= taken[t] == e;
      float p = dead ? 0.0f : __expf(value(e) - max);
      if (!is_taken && (best_e == experts || p > best || (p == best && e < best_e))) {
        best = p;
        best_e = e;
      }
    }
    for (int offset = 16; offset > 0; offset /= 2) {
      float other = __shfl_xor_sync(0xffffffff, best, offset);
      int other_e = __shfl_xor_sync(0xffffffff, best_e, offset);
      if (other > best || (other == best && other_e < best_e)) {
        best = other;
        best_e = other_e;
      }
    }
    taken[j] = best_e;
    chosen_sum += dead ? 0.0f : best;
    if (lane == 0) {
      route_experts[row * top_k + j] = best_e;
      route_weights[row * top_k + j] = dead ? 0.0f : best;
      if (row >= record_begin && row < record_begin + record_rows) {
        record[(row - record_begin) * top_k + j] = best_e;
      }
    }
  }
  __syncwarp();
  if (lane == 0 && !dead) {
    for (int j = 0; j < top_k; ++j)
      route_weights[row * top_k + j] /= chosen_sum;
  }
}

// One block per (row, k) pair.
__global__ void DispatchMaskedKernel(const bf16* rows_in, const int* route_experts,
                                     const int* counts, int slot_rows, int top_k, int local_begin,
                                     int local_experts, int slots, int64_t hidden, bf16* expert_in,
                                     int* slot_of_pair, int* fill) {
  const int pair = blockIdx.x;
  const int row = pair / top_k;
  const int local = route_experts[pair] - local_begin;
  __shared__ int slot;
  if (threadIdx.x == 0) {
    bool routed = counts == nullptr || row % slot_rows < counts[row / slot_rows];
    slot = routed && local >= 0 && local < local_experts ? atomicAdd(&fill[local], 1) : -1;
    slot_of_pair[pair] = slot < slots ? slot : -1;
  }
  __syncthreads();
  if (slot < 0 || slot >= slots) return;
  bf16* dst = expert_in + (static_cast<int64_t>(local) * slots + slot) * hidden;
  for (int64_t h = threadIdx.x; h < hidden; h += blockDim.x)
    dst[h] = rows_in[row * hidden + h];
}

// One block per row.
__global__ void CombineKernel(const bf16* expert_out, const int* route_experts,
                              const float* route_weights, const int* slot_of_pair, int top_k,
                              int local_begin, int slots, int64_t hidden, const bf16* shared_out,
                              bf16* x, bf16* partial) {
  const int row = blockIdx.x;
  for (int64_t h = threadIdx.x; h < hidden; h += blockDim.x) {
    float y = 0;
    for (int j = 0; j < top_k; ++j) {
      int slot = slot_of_pair[row * top_k + j];
      if (slot < 0) continue;
      int local = route_experts[row * top_k + j] - local_begin;
      int64_t at = (static_cast<int64_t>(local) * slots + slot) * hidden;
      y += route_weights[row * top_k + j] * __bfloat162float(expert_out[at + h]);
    }
    if (x != nullptr) {
      float base =
          __bfloat162float(x[row * hidden + h]) + __bfloat162float(shared_out[row * hidden + h]);
      x[row * hidden + h] = __float2bfloat16(base + y);
    } else {
      partial[row * hidden + h] = __float2bfloat16(y);
    }
  }
}

__global__ void AddRowsKernel(bf16* x, const bf16* terms, int terms_count, int64_t stride,
                              const bf16* extra, int64_t total) {
  for (int64_t i = blockIdx.x * blockDim.x + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    float sum = __bfloat162float(x[i]);
    for (int t = 0; t < terms_count; ++t)
      sum += __bfloat162float(terms[t * stride + i]);
    if (extra != nullptr) sum += __bfloat162float(extra[i]);
    x[i] = __float2bfloat16(sum);
  }
}

__global__ void InterleaveShardsKernel(const float* in, int world, int rows, int64_t shard,
                                       float* out) {
  const int64_t total = static_cast<int64_t>(world) * rows * shard;
  for (int64_t i = blockIdx.x * blockDim.x + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t p = i / (rows * shard), r = i / shard % rows, v = i % shard;
    out[r * world * shard + p * shard + v] = in[i];
  }
}

__global__ void PlaceAtOffsetKernel(const bf16* local, const int* real_rows, const int* offset,
                                    int64_t hidden, int64_t total, bf16* buffer) {
  const int64_t begin = static_cast<int64_t>(*offset) * hidden;
  const int64_t end = begin + static_cast<int64_t>(*real_rows) * hidden;
  for (int64_t i = blockIdx.x * blockDim.x + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    buffer[i] = i >= begin && i < end ? local[i - begin] : __float2bfloat16(0.0f);
  }
}

__global__ void AddFromOffsetKernel(bf16* x, const bf16* summed, const int* real_rows,
                                    const int* offset, const bf16* extra, int64_t hidden,
                                    int64_t total) {
  const int64_t live = static_cast<int64_t>(*real_rows) * hidden;
  const int64_t begin = static_cast<int64_t>(*offset) * hidden;
  for (int64_t i = blockIdx.x * blockDim.x + threadIdx.x; i < total && i < live;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    float sum = __bfloat162float(x[i]) + __bfloat162float(summed[begin + i]);
    if (extra != nullptr) sum += __bfloat162float(extra[i]);
    x[i] = __float2bfloat16(sum);
  }
}

__global__ void InterleaveFromOffsetKernel(const float* in, const int* real_rows, const int* offset,
                                           int world, int rows, int64_t shard, float* out) {
  const int live = *real_rows, first = *offset;
  const int64_t total = static_cast<int64_t>(world) * live * shard;
  for (int64_t i = blockIdx.x * blockDim.x + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t p = i / (live * shard), r = i / shard % live, v = i % shard;
    out[r * world * shard + p * shard + v] = in[(p * rows + first + r) * shard + v];
  }
}

__global__ void CountWireKernel(unsigned long long* counters, const int* real_rows, int rows,
                                int64_t numerator, int64_t denominator) {
  const int64_t real = min(*real_rows, rows);
  const int64_t all_bytes = static_cast<int64_t>(rows) * numerator / denominator;
  const int64_t real_bytes = real * numerator / denominator;
  counters[0] += static_cast<unsigned long long>(real_bytes);
  counters[1] += static_cast<unsigned long long>(all_bytes - real_bytes);
}

// One block, a row per thread.
__global__ void CountPaddedPairsKernel(unsigned long long* counter, const int* route_experts,
                                       int top_k, const int* real_rows, const int* sent_rows,
                                       int rows, int local_experts, int rank, int64_t row_bytes,
                                       int once_above) {
  const int sent = min(*sent_rows, rows);
  const bool once = sent > once_above;
  unsigned long long moved = 0;
  for (int row = max(*real_rows, 0) + threadIdx.x; row < sent; row += blockDim.x) {
    uint32_t owners = 0;
    for (int k = 0; k < top_k; ++k) {
      const int owner = route_experts[row * top_k + k] / local_experts;
      if (owner == rank) continue;
      if (once) {
        owners |= 1u << owner;
      } else {
        ++moved;
      }
    }
    moved += __popc(owners);
  }
  if (moved != 0) atomicAdd(counter, moved * 2 * static_cast<unsigned long long>(row_bytes));
}

int GridFor(int64_t elements) {
  int64_t blocks = (elements + kThreads - 1) / kThreads;
  return static_cast<int>(blocks < 4096 ? (blocks > 0 ? blocks : 1) : 4096);
}

}  // namespace

cudaError_t FillWeights(bf16* out, uint64_t seed, int kind, int layer, int expert,
                        int64_t row_begin, int64_t rows, int64_t col_begin, int64_t cols,
                        int64_t full_cols, bool unscaled, cudaStream_t stream) {
  FillWeightsKernel<<<GridFor(rows * cols), kThreads, 0, stream>>>(
      out, seed, kind, layer, expert, row_begin, rows, col_begin, cols, full_cols, unscaled);
  return cudaGetLastError();
}

cudaError_t Embed(const int* tokens, const int* count, const bf16* table, int64_t hidden, int rows,
                  bf16* x, cudaStream_t stream) {
  if (rows == 0) return cudaSuccess;
  EmbedKernel<<<rows, kThreads, 0, stream>>>(tokens, count, table, hidden, x);
  return cudaGetLastError();
}

cudaError_t RmsNorm(const bf16* x, int64_t hidden, int rows, bf16* out, cudaStream_t stream) {
  if (rows == 0) return cudaSuccess;
  RmsNormKernel<<<rows, kThreads, 0, stream>>>(x, hidden, out);
  return cudaGetLastError();
}

cudaError_t SiluMul(const bf16* in, int64_t inner, int rows, bf16* out, cudaStream_t stream) {
  if (rows == 0) return cudaSuccess;
  SiluMulKernel<<<GridFor(inner * rows), kThreads, 0, stream>>>(in, inner, inner * rows, out);
  return cudaGetLastError();
}

cudaError_t Silu(bf16* values, int64_t count, cudaStream_t stream) {
  if (count == 0) return cudaSuccess;
  SiluKernel<<<GridFor(count), kThreads, 0, stream>>>(values, count);
  return cudaGetLastError();
}

cudaError_t RouteTopK(const float* logits, int experts, int top_k, int rows, int* route_experts,
                      float* route_weights, int* fill, int fill_count, int* record,
                      int record_begin, const int* record_offset, int record_rows,
                      cudaStream_t stream) {
  if (rows == 0) return cudaSuccess;
  if (top_k > 16) return cudaErrorInvalidValue;  // the kernel tracks at most 16 choices
  constexpr int kRowsPerBlock = kThreads / 32;
  RouteTopKKernel<<<(rows + kRowsPerBlock - 1) / kRowsPerBlock, kThreads, 0, stream>>>(
      logits, experts, top_k, rows, route_experts, route_weights, fill, fill_count, record,
      record_begin, record_offset, record_rows);
  return cudaGetLastError();
}

cudaError_t DispatchMasked(const bf16* rows_in, const int* route_experts, const int* counts,
                           int slot_rows, int world, int top_k, int local_begin, int local_experts,
                           int slots, int64_t hidden, bf16* expert_in, int* slot_of_pair, int* fill,
                           cudaStream_t stream) {
  const int rows = slot_rows * world;
  if (rows == 0) return cudaSuccess;
  DispatchMaskedKernel<<<rows * top_k, 128, 0, stream>>>(rows_in, route_experts, counts, slot_rows,
                                                         top_k, local_begin, local_experts, slots,
                                                         hidden, expert_in, slot_of_pair, fill);
  return cudaGetLastError();
}

cudaError_t Combine(const bf16* expert_out, const int* route_experts, const float* route_weights,
                    const int* slot_of_pair, int rows, int top_k, int local_begin, int slots,
                    int64_t hidden, const bf16* shared_out, bf16* x, bf16* partial,
                    cudaStream_t stream) {
  if (rows == 0) return cudaSuccess;
  CombineKernel<<<rows, kThreads, 0, stream>>>(expert_out, route_experts, route_weights,
                                               slot_of_pair, top_k, local_begin, slots, hidden,
                                               shared_out, x, partial);
  return cudaGetLastError();
}

cudaError_t AddRows(bf16* x, const bf16* terms, int terms_count, int64_t stride, const bf16* extra,
                    int rows, int64_t hidden, cudaStream_t stream) {
  if (rows == 0) return cudaSuccess;
  AddRowsKernel<<<GridFor(rows * hidden), kThreads, 0, stream>>>(x, terms, terms_count, stride,
                                                                 extra, rows * hidden);
  return cudaGetLastError();
}

cudaError_t PlaceAtOffset(const bf16* local, const int* real_rows, const int* offset, int rows,
                          int64_t hidden, bf16* buffer, cudaStream_t stream) {
  if (rows == 0) return cudaSuccess;
  PlaceAtOffsetKernel<<<GridFor(rows * hidden), kThreads, 0, stream>>>(
      local, real_rows, offset, hidden, rows * hidden, buffer);
  return cudaGetLastError();
}

cudaError_t AddFromOffset(bf16* x, const bf16* summed, const int* real_rows, const int* offset,
                          const bf16* extra, int rows, int64_t hidden, cudaStream_t stream) {
  if (rows == 0) return cudaSuccess;
  AddFromOffsetKernel<<<GridFor(rows * hidden), kThreads, 0, stream>>>(
      x, summed, real_rows, offset, extra, hidden, rows * hidden);
  return cudaGetLastError();
}

cudaError_t InterleaveFromOffset(const float* in, const int* real_rows, const int* offset,
                                 int world, int rows, int64_t shard, float* out,
                                 cudaStream_t stream) {
  if (rows == 0) return cudaSuccess;
  InterleaveFromOffsetKernel<<<GridFor(static_cast<int64_t>(world) * rows * shard), kThreads, 0,
                               stream>>>(in, real_rows, offset, world, rows, shard, out);
  return cudaGetLastError();
}

cudaError_t CountWire(unsigned long long* counters, const int* real_rows, int rows,
                      int64_t numerator, int64_t denominator, cudaStream_t stream) {
  CountWireKernel<<<1, 1, 0, stream>>>(counters, real_rows, rows, numerator, denominator);
  return cudaGetLastError();
}

cudaError_t CountPaddedPairs(unsigned long long* counter, const int* route_experts, int top_k,
                             const int* real_rows, const int* sent_rows, int rows,
                             int local_experts, int rank, int64_t row_bytes, int once_above,
                             cudaStream_t stream) {
  if (rows == 0) return cudaSuccess;
  CountPaddedPairsKernel<<<1, kThreads, 0, stream>>>(counter, route_experts, top_k, real_rows,
                                                     sent_rows, rows, local_experts, rank,
                                                     row_bytes, once_above);
  return cudaGetLastError();
}

cudaError_t InterleaveShards(const float* in, int world, int rows, int64_t shard, float* out,
                             cudaStream_t stream) {
  if (rows == 0) return cudaSuccess;
  InterleaveShardsKernel<<<GridFor(static_cast<int64_t>(world) * rows * shard), kThreads, 0,
                           stream>>>(in, world, rows, shard, out);
  return cudaGetLastError();
}

}  // namespace padgraph::stub_kernels
