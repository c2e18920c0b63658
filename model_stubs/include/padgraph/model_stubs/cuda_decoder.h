// The stub decoder on CUDA: bf16 storage, fp32 accumulation, cuBLAS GEMMs and the kernels of
// cuda_kernels.cuh, weights generated on the device (StubWeights' values rounded to bf16, each rank
// its TP shards and its experts). It is driven through CudaGraphRunner exactly as an engine's
// model would be: Forward is the callback the runner captures per key, Stage its staging hook.
//
// Across GPUs it uses the engine's NCCL communicator with the host-API backends: MoE `allgather`
// (all-gather, local experts by mask, reduce-scatter) and `a2a_padded` (grouped send/recv of the
// bucket to every peer and back, experts by mask), and dense-TP and lm_head-TP layers through
// `host` gathers (all-gather; reduce-scatter or vocab shards back). Gathered rows sit in `world`
// slots of the bucket, rank p's in slot p; eager steps use slots of the largest chunk count and
// move real rows only (grouped send/recv of the agreed counts). Under `sum` with gathers, every
// rank's real rows sit at their offsets in one zero-filled bucket(sum n) buffer, all-reduced.
// Not built yet, and refused with an error naming them: the device-API backends (a2a_ll and lsa
// gathers across GPUs).
//
// Rows past the real count are NaN from the embedding on; the expert dispatch skips them, so a
// padded row reaches no expert (but under `sum`, whose staging counts the whole bucket).
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <nccl.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "padgraph/ep_backend/host_comm.h"
#include "padgraph/ep_backend/nccl_collectives.h"
#include "padgraph/graph_runtime/cuda_handles.h"
#include "padgraph/graph_runtime/cuda_runner.h"
#include "padgraph/model_stubs/stub_weights.h"
#include "padgraph/padding_policy/parallel_config.h"

namespace padgraph {

class CudaDecoder {
 public:
  // Buffers hold max(largest bucket, ep_capacity, max_step_tokens) rows per rank; logits hold
  // max_step_tokens rows (eager steps write chunk after chunk). `comm` (the engine's, outliving
  // the decoder) is required when config.world > 1; this rank's GPU must be current.
  static absl::StatusOr<std::unique_ptr<CudaDecoder>> Create(const ModelSpec& model, uint64_t seed,
                                                             const ParallelConfig& config, int rank,
                                                             ncclComm_t comm, int max_step_tokens,
                                                             cudaStream_t stream);
  ~CudaDecoder();
  CudaDecoder(const CudaDecoder&) = delete;
  CudaDecoder& operator=(const CudaDecoder&) = delete;

  absl::Status Forward(const CudaForwardArgs& args);
  // Stages "step_counts" ([real rows, sum offset, sum rows, 0, dispatch count of every rank])
  // and "token_ids" (the chunk's rows).
  absl::Status Stage(const StageArgs& args, absl::Span<const int> step_tokens);
  // The static buffers Stage fills, in its order, for CudaRunnerOptions::static_buffers.
  std::vector<StaticBuffer> static_buffers() const;

  // The step's logits, [rows, vocab] fp32, and its routing [row][moe layer][k]; both synchronize
  // the stream first.
  absl::StatusOr<std::vector<float>> ReadLogits(int rows);
  absl::StatusOr<std::vector<std::vector<std::vector<int>>>> ReadRouting(int rows);

  // The wire bytes this rank's rows have put on the wire since Create, counted on the device by
  // the collectives' own launches (real and padded apart, as policy.h's Note [Wire bytes]
  // accounts them). Synchronizes the stream.
  absl::StatusOr<WireCounters> ReadWireCounters();

  int max_rows() const { return max_rows_; }
  // The device buffer the logits land in ([max_step_tokens, vocab] fp32), for stream-ordered
  // copies.
  const float* logits_device() const { return logits_.data<float>(); }
  // The routing record ([moe layers, max_step_tokens, top_k] int), likewise.
  const int* routing_device() const { return routing_record_.data<int>(); }
  size_t routing_record_ints() const { return routing_record_.bytes() / sizeof(int); }

 private:
  CudaDecoder(const ModelSpec& model, uint64_t seed, const ParallelConfig& config, int rank,
              ncclComm_t comm, int max_step_tokens, cudaStream_t stream);
  absl::Status Allocate();
  absl::Status FillAll();
  absl::Status Fill(void* out, WeightKind kind, int layer, int expert, int64_t row_begin,
                    int64_t rows, int64_t col_begin, int64_t cols, int64_t full_cols);
  // y[rows, n] = x[rows, k] W^T (W [n, k] row-major), bf16 in, `y_type` out, fp32 compute.
  absl::Status Gemm(const void* x, int rows, int64_t k, const void* w, int64_t n, void* y,
                    cudaDataType y_type, float beta);
  absl::Status BatchedGemm(const void* x, int rows, int64_t k, const void* w, int64_t n, void* y,
                           int batch);
  absl::Status LaunchLayer(const LayerShape& shape, int rows, int moe_index, StepMode mode);
  absl::Status Moe(const LayerShape& shape, int rows, int moe_index, StepMode mode);
  absl::Status DenseOrLmHeadTp(const LayerShape& shape, int rows, StepMode mode);
  absl::Status DenseOrLmHeadSum(const LayerShape& shape, int rows);
  // `local`'s real rows at this rank's offset of gathered_ ([rows, hidden], zeros elsewhere),
  // all-reduced: every rank's rows in the bucket(sum n) buffer.
  absl::Status PlaceAndReduce(const void* local, int rows);
  // Where a layer's gathered rows sit (nccl_collectives.h, Note [Slots]): the bucket per rank in
  // graph mode, the agreed counts of the eager chunk otherwise.
  SlotExchange ExchangeFor(const LayerShape& shape, int rows, StepMode mode) const;
  // partial_'s sums back to their ranks, added to x_ with `shared_out` (may be null).
  absl::Status ReturnPartialSums(const SlotExchange& exchange, const void* shared_out, int rows);
  int64_t RowBytes() const { return hidden_ * model_.dims.dtype_bytes; }
  // Adds `rows` rows' wire bytes (bytes(r) = r * numerator / denominator) of a `kind` layer; the
  // real rows are this rank's, or every rank's (`all_ranks_real`) for the all-reduce layout.
  absl::Status Count(LayerKind kind, int rows, int64_t numerator, int64_t denominator,
                     bool all_ranks_real);

  const ModelSpec model_;
  const uint64_t seed_;
  const ParallelConfig config_;
  const int rank_;
  const int world_;
  ncclComm_t comm_;
  const int max_step_tokens_;
  const int max_rows_;
  cudaStream_t stream_;
  cublasHandle_t cublas_ = nullptr;

  int64_t hidden_, vocab_, width_, dense_inner_, expert_inner_, experts_, top_k_, shared_;
  int64_t local_experts_ = 0, local_begin_ = 0, vocab_shard_ = 0;
  int moe_layers_ = 0;

  struct LayerWeights {
    DeviceBuffer attn_q, attn_o, gate_up, down, router, expert_gate_up, expert_down, shared_gate_up,
        shared_down;
  };
  DeviceBuffer embedding_, lm_head_;
  std::vector<LayerWeights> layers_;

  DeviceBuffer step_counts_, token_ids_;  // the static buffers the runner stages
  int out_offset_ = 0;
  bool warm_up_ = false;           // the forward being launched is a warm-up: count no wire bytes
  std::vector<int> eager_counts_;  // every rank's rows in the staged eager chunk

  DeviceBuffer x_, normed_, gathered_, wide_, narrow_, partial_, received_, shard_logits_,
      router_logits_, route_experts_, route_weights_, slot_of_pair_, fill_, expert_in_, expert_mid_,
      expert_act_, expert_out_, shared_out_, logits_, routing_record_, cublas_workspace_;
  DeviceBuffer wire_counters_;  // [moe real, moe padded, gather real, gather padded] bytes
};

}  // namespace padgraph
