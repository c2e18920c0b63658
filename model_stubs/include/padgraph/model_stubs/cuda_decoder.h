// The stub decoder on CUDA: bf16 storage, fp32 accumulation, cuBLAS GEMMs and the kernels of
// cuda_kernels.cuh, weights generated on the device (StubWeights' values rounded to bf16). It is
// driven through CudaGraphRunner exactly as an engine's model would be: Forward is the callback the
// runner captures per key, Stage its staging hook.
//
// This version runs one rank (world 1); the NCCL backends that spread it over GPUs are the next
// step. Rows past the real count are NaN from the embedding on, as on the host backend.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "padgraph/graph_runtime/cuda_handles.h"
#include "padgraph/graph_runtime/cuda_runner.h"
#include "padgraph/model_stubs/stub_weights.h"
#include "padgraph/padding_policy/parallel_config.h"

namespace padgraph {

class CudaDecoder {
 public:
  // Buffers hold max(largest bucket, ep_capacity, max_step_tokens) rows; logits hold
  // max_step_tokens rows (eager steps write chunk after chunk).
  static absl::StatusOr<std::unique_ptr<CudaDecoder>> Create(const ModelSpec& model, uint64_t seed,
                                                             const ParallelConfig& config,
                                                             int max_step_tokens,
                                                             cudaStream_t stream);
  ~CudaDecoder();
  CudaDecoder(const CudaDecoder&) = delete;
  CudaDecoder& operator=(const CudaDecoder&) = delete;

  absl::Status Forward(const CudaForwardArgs& args);
  // Writes [real rows, dispatch rows, 0, 0, token ids...] into the runner's slot.
  absl::StatusOr<size_t> Stage(const StageArgs& args, absl::Span<const int> step_tokens);
  // The device buffer Stage's bytes land in, for CudaGraphRunner::Create.
  StagingBuffer staging_buffer() const { return {stage_device_.data(), stage_device_.bytes()}; }

  // The step's logits, [rows, vocab] fp32, and its routing [row][moe layer][k]; both synchronize
  // the stream first.
  absl::StatusOr<std::vector<float>> ReadLogits(int rows);
  absl::StatusOr<std::vector<std::vector<std::vector<int>>>> ReadRouting(int rows);

  int max_rows() const { return max_rows_; }
  // The device buffer the logits land in ([max_step_tokens, vocab] fp32), for stream-ordered
  // copies.
  const float* logits_device() const { return logits_.data<float>(); }
  // The routing record ([moe layers, max_step_tokens, top_k] int), likewise.
  const int* routing_device() const { return routing_record_.data<int>(); }
  size_t routing_record_ints() const { return routing_record_.bytes() / sizeof(int); }

 private:
  CudaDecoder(const ModelSpec& model, uint64_t seed, const ParallelConfig& config,
              int max_step_tokens, cudaStream_t stream);
  absl::Status Allocate();
  absl::Status FillAll();
  absl::Status Fill(void* out, WeightKind kind, int layer, int expert, int64_t rows, int64_t cols);
  // y[rows, n] = x[rows, k] W^T (W [n, k] row-major), bf16 in, `y_type` out, fp32 compute.
  absl::Status Gemm(const void* x, int rows, int64_t k, const void* w, int64_t n, void* y,
                    cudaDataType y_type, float beta);
  absl::Status BatchedGemm(const void* x, int rows, int64_t k, const void* w, int64_t n, void* y,
                           int batch);
  absl::Status LaunchLayer(const LayerShape& shape, int rows, int moe_index);

  const ModelSpec model_;
  const uint64_t seed_;
  const ParallelConfig config_;
  const int max_step_tokens_;
  const int max_rows_;
  cudaStream_t stream_;
  cublasHandle_t cublas_ = nullptr;

  int64_t hidden_, vocab_, width_, dense_inner_, expert_inner_, experts_, top_k_, shared_;
  int moe_layers_ = 0;

  struct LayerWeights {
    DeviceBuffer attn_q, attn_o, gate_up, down, router, expert_gate_up, expert_down, shared_gate_up,
        shared_down;
  };
  DeviceBuffer embedding_, lm_head_;
  std::vector<LayerWeights> layers_;

  // Staged: [real rows, dispatch rows, 0, 0, tokens...] on the device.
  static constexpr int kStageHeader = 4;
  DeviceBuffer stage_device_;
  int out_offset_ = 0;

  DeviceBuffer x_, normed_, wide_, narrow_, router_logits_, route_experts_, route_weights_,
      slot_of_pair_, fill_, expert_in_, expert_mid_, expert_act_, expert_out_, shared_out_, logits_,
      routing_record_, cublas_workspace_;
};

}  // namespace padgraph
