// The stub decoder's CUDA forward: buffers, weights and the per-layer launches.
#include "padgraph/model_stubs/cuda_decoder.h"

#include <nvtx3/nvToolsExt.h>

#include <algorithm>
#include <cstring>

#include "cuda_kernels.cuh"
#include "fmt/format.h"
#include "padgraph/graph_runtime/cuda_check.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph {
namespace {

using stub_kernels::bf16;
constexpr size_t kBf16 = sizeof(bf16);
constexpr size_t kCublasWorkspaceBytes = size_t{32} << 20;

// Labels a layer's launches in profiles.
class NvtxRange {
 public:
  explicit NvtxRange(const char* name) { nvtxRangePushA(name); }
  ~NvtxRange() { nvtxRangePop(); }
};

}  // namespace

absl::StatusOr<std::unique_ptr<CudaDecoder>> CudaDecoder::Create(const ModelSpec& model,
                                                                 uint64_t seed,
                                                                 const ParallelConfig& config,
                                                                 int max_step_tokens,
                                                                 cudaStream_t stream) {
  PADGRAPH_RETURN_IF_ERROR(ValidateConfig(config, model));
  if (config.world != 1) {
    return absl::InvalidArgumentError(fmt::format(
        "CudaDecoder runs one rank in this version; world is {} (the multi-GPU backends are "
        "not built yet)",
        config.world));
  }
  if (max_step_tokens < 1) {
    return absl::InvalidArgumentError(
        fmt::format("max_step_tokens {} must be >= 1", max_step_tokens));
  }
  if (model.dims.top_k > 16) {
    return absl::InvalidArgumentError(
        fmt::format("model.top_k {} is past the routing kernel's limit 16", model.dims.top_k));
  }
  auto decoder =
      std::unique_ptr<CudaDecoder>(new CudaDecoder(model, seed, config, max_step_tokens, stream));
  PADGRAPH_CUBLAS_RETURN_IF_ERROR(cublasCreate(&decoder->cublas_));
  PADGRAPH_CUBLAS_RETURN_IF_ERROR(cublasSetStream(decoder->cublas_, stream));
  PADGRAPH_RETURN_IF_ERROR(decoder->Allocate());
  PADGRAPH_CUBLAS_RETURN_IF_ERROR(cublasSetWorkspace(
      decoder->cublas_, decoder->cublas_workspace_.data(), decoder->cublas_workspace_.bytes()));
  PADGRAPH_RETURN_IF_ERROR(decoder->FillAll());
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
  return decoder;
}

CudaDecoder::CudaDecoder(const ModelSpec& model, uint64_t seed, const ParallelConfig& config,
                         int max_step_tokens, cudaStream_t stream)
    : model_(model),
      seed_(seed),
      config_(config),
      max_step_tokens_(max_step_tokens),
      max_rows_(std::max({config.buckets.back(), config.ep_capacity, max_step_tokens})),
      stream_(stream),
      hidden_(model.dims.hidden),
      vocab_(model.dims.vocab),
      width_(model.dims.attention.num_heads * model.dims.attention.v_head_dim),
      dense_inner_(model.dims.dense_intermediate),
      expert_inner_(model.dims.moe_intermediate),
      experts_(model.dims.num_experts),
      top_k_(model.dims.top_k),
      shared_(model.dims.num_shared_experts) {
  for (const Layer& layer : model.layers)
    moe_layers_ += layer.kind == LayerKind::kMoe;
}

CudaDecoder::~CudaDecoder() {
  if (cublas_ != nullptr) cublasDestroy(cublas_);
}

absl::Status CudaDecoder::Allocate() {
  auto device = [](DeviceBuffer& buffer, size_t bytes) -> absl::Status {
    PADGRAPH_ASSIGN_OR_RETURN(buffer, DeviceBuffer::Allocate(std::max<size_t>(bytes, 16)));
    return absl::OkStatus();
  };
  const size_t rows = max_rows_;
  const size_t h = hidden_;
  PADGRAPH_RETURN_IF_ERROR(device(embedding_, vocab_ * h * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(lm_head_, vocab_ * h * kBf16));
  for (int layer = 0; layer < model_.dims.num_decoder_layers; ++layer) {
    LayerWeights w;
    PADGRAPH_RETURN_IF_ERROR(device(w.attn_q, width_ * h * kBf16));
    PADGRAPH_RETURN_IF_ERROR(device(w.attn_o, width_ * h * kBf16));
    if (layer < model_.dims.first_moe_layer) {
      PADGRAPH_RETURN_IF_ERROR(device(w.gate_up, 2 * dense_inner_ * h * kBf16));
      PADGRAPH_RETURN_IF_ERROR(device(w.down, dense_inner_ * h * kBf16));
    } else {
      PADGRAPH_RETURN_IF_ERROR(device(w.router, experts_ * h * kBf16));
      PADGRAPH_RETURN_IF_ERROR(device(w.expert_gate_up, experts_ * 2 * expert_inner_ * h * kBf16));
      PADGRAPH_RETURN_IF_ERROR(device(w.expert_down, experts_ * expert_inner_ * h * kBf16));
      PADGRAPH_RETURN_IF_ERROR(device(w.shared_gate_up, shared_ * 2 * expert_inner_ * h * kBf16));
      PADGRAPH_RETURN_IF_ERROR(device(w.shared_down, shared_ * expert_inner_ * h * kBf16));
    }
    layers_.push_back(std::move(w));
  }
  const size_t widest = std::max({2 * dense_inner_, 2 * expert_inner_, width_, hidden_});
  PADGRAPH_RETURN_IF_ERROR(device(x_, rows * h * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(normed_, rows * h * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(wide_, rows * widest * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(narrow_, rows * widest * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(router_logits_, rows * experts_ * sizeof(float)));
  PADGRAPH_RETURN_IF_ERROR(device(route_experts_, rows * top_k_ * sizeof(int)));
  PADGRAPH_RETURN_IF_ERROR(device(route_weights_, rows * top_k_ * sizeof(float)));
  PADGRAPH_RETURN_IF_ERROR(device(slot_of_pair_, rows * top_k_ * sizeof(int)));
  PADGRAPH_RETURN_IF_ERROR(device(fill_, experts_ * sizeof(int)));
  // The masked expert layout: [experts, slots = rows, hidden] (a row picks an expert at most once).
  PADGRAPH_RETURN_IF_ERROR(device(expert_in_, experts_ * rows * h * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(expert_mid_, experts_ * rows * 2 * expert_inner_ * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(expert_act_, experts_ * rows * expert_inner_ * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(expert_out_, experts_ * rows * h * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(shared_out_, rows * h * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(logits_, max_step_tokens_ * vocab_ * sizeof(float)));
  PADGRAPH_RETURN_IF_ERROR(
      device(routing_record_, std::max(moe_layers_, 1) * max_step_tokens_ * top_k_ * sizeof(int)));
  PADGRAPH_RETURN_IF_ERROR(device(cublas_workspace_, kCublasWorkspaceBytes));
  PADGRAPH_RETURN_IF_ERROR(device(stage_device_, (kStageHeader + rows) * sizeof(int)));
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaMemsetAsync(stage_device_.data(), 0, stage_device_.bytes(), stream_));
  return absl::OkStatus();
}

absl::Status CudaDecoder::Fill(void* out, WeightKind kind, int layer, int expert, int64_t rows,
                               int64_t cols) {
  PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::FillWeights(
      static_cast<bf16*>(out), seed_, static_cast<int>(kind), layer, expert, 0, rows, 0, cols, cols,
      kind == WeightKind::kEmbedding, stream_));
  return absl::OkStatus();
}

absl::Status CudaDecoder::FillAll() {
  PADGRAPH_RETURN_IF_ERROR(
      Fill(embedding_.data(), WeightKind::kEmbedding, -1, -1, vocab_, hidden_));
  PADGRAPH_RETURN_IF_ERROR(Fill(lm_head_.data(), WeightKind::kLmHead, -1, -1, vocab_, hidden_));
  for (int layer = 0; layer < model_.dims.num_decoder_layers; ++layer) {
    LayerWeights& w = layers_[layer];
    PADGRAPH_RETURN_IF_ERROR(Fill(w.attn_q.data(), WeightKind::kAttnQ, layer, -1, width_, hidden_));
    PADGRAPH_RETURN_IF_ERROR(Fill(w.attn_o.data(), WeightKind::kAttnO, layer, -1, hidden_, width_));
    auto gate_up = [&](void* out, WeightKind gate, WeightKind up, int expert, int64_t inner) {
      PADGRAPH_RETURN_IF_ERROR(Fill(out, gate, layer, expert, inner, hidden_));
      return Fill(static_cast<bf16*>(out) + inner * hidden_, up, layer, expert, inner, hidden_);
    };
    if (layer < model_.dims.first_moe_layer) {
      PADGRAPH_RETURN_IF_ERROR(gate_up(w.gate_up.data(), WeightKind::kDenseGate,
                                       WeightKind::kDenseUp, -1, dense_inner_));
      PADGRAPH_RETURN_IF_ERROR(
          Fill(w.down.data(), WeightKind::kDenseDown, layer, -1, hidden_, dense_inner_));
      continue;
    }
    PADGRAPH_RETURN_IF_ERROR(
        Fill(w.router.data(), WeightKind::kRouter, layer, -1, experts_, hidden_));
    for (int e = 0; e < experts_; ++e) {
      PADGRAPH_RETURN_IF_ERROR(
          gate_up(w.expert_gate_up.data<bf16>() + e * 2 * expert_inner_ * hidden_,
                  WeightKind::kExpertGate, WeightKind::kExpertUp, e, expert_inner_));
      PADGRAPH_RETURN_IF_ERROR(Fill(w.expert_down.data<bf16>() + e * hidden_ * expert_inner_,
                                    WeightKind::kExpertDown, layer, e, hidden_, expert_inner_));
    }
    for (int s = 0; s < shared_; ++s) {
      PADGRAPH_RETURN_IF_ERROR(
          gate_up(w.shared_gate_up.data<bf16>() + s * 2 * expert_inner_ * hidden_,
                  WeightKind::kSharedGate, WeightKind::kSharedUp, s, expert_inner_));
      PADGRAPH_RETURN_IF_ERROR(Fill(w.shared_down.data<bf16>() + s * hidden_ * expert_inner_,
                                    WeightKind::kSharedDown, layer, s, hidden_, expert_inner_));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> CudaDecoder::Stage(const StageArgs& args,
                                          absl::Span<const int> step_tokens) {
  if (static_cast<int>(step_tokens.size()) != args.shape->local_tokens) {
    return absl::InvalidArgumentError(fmt::format("stage: {} token ids for {} tokens",
                                                  step_tokens.size(), args.shape->local_tokens));
  }
  if (args.chunk_rows > max_rows_ || args.chunk_begin + args.chunk_rows > max_step_tokens_) {
    return absl::InvalidArgumentError(
        fmt::format("stage: rows [{}, {}) are past the decoder's limit of {} rows per step",
                    args.chunk_begin, args.chunk_begin + args.chunk_rows, max_step_tokens_));
  }
  const size_t bytes = (kStageHeader + args.chunk_rows) * sizeof(int);
  if (bytes > args.staging_capacity) {
    return absl::InternalError("stage: the staging slot is smaller than the staging buffer");
  }
  int* slot = static_cast<int*>(args.staging);
  slot[0] = args.chunk_rows;
  slot[1] = args.dispatch_rows;
  slot[2] = 0;
  slot[3] = 0;
  for (int i = 0; i < args.chunk_rows; ++i) {
    int token = step_tokens[args.chunk_begin + i];
    if (token < 0 || token >= vocab_) {
      return absl::InvalidArgumentError(
          fmt::format("stage: token id {} is out of range [0, {})", token, vocab_));
    }
    slot[kStageHeader + i] = token;
  }
  out_offset_ = args.chunk_begin;
  return bytes;
}

absl::Status CudaDecoder::Gemm(const void* x, int rows, int64_t k, const void* w, int64_t n,
                               void* y, cudaDataType y_type, float beta) {
  if (rows == 0) return absl::OkStatus();
  const float alpha = 1.0f;
  // Row-major Y [rows, n] = X [rows, k] W^T is column-major Y^T [n, rows] = W X^T.
  PADGRAPH_CUBLAS_RETURN_IF_ERROR(cublasGemmEx(
      cublas_, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(n), rows, static_cast<int>(k), &alpha, w,
      CUDA_R_16BF, static_cast<int>(k), x, CUDA_R_16BF, static_cast<int>(k), &beta, y, y_type,
      static_cast<int>(n), CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
  return absl::OkStatus();
}

absl::Status CudaDecoder::BatchedGemm(const void* x, int rows, int64_t k, const void* w, int64_t n,
                                      void* y, int batch) {
  if (rows == 0) return absl::OkStatus();
  const float alpha = 1.0f, beta = 0.0f;
  PADGRAPH_CUBLAS_RETURN_IF_ERROR(cublasGemmStridedBatchedEx(
      cublas_, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(n), rows, static_cast<int>(k), &alpha, w,
      CUDA_R_16BF, static_cast<int>(k), n * k, x, CUDA_R_16BF, static_cast<int>(k),
      static_cast<int64_t>(rows) * k, &beta, y, CUDA_R_16BF, static_cast<int>(n),
      static_cast<int64_t>(rows) * n, batch, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
  return absl::OkStatus();
}

absl::Status CudaDecoder::Forward(const CudaForwardArgs& args) {
  const int rows = static_cast<int>(args.layers.front().input_rows);
  if (rows > max_rows_) {
    return absl::InvalidArgumentError(
        fmt::format("forward: {} rows are past the decoder's {} rows", rows, max_rows_));
  }
  int moe_index = 0;
  for (const LayerShape& shape : args.layers) {
    if (shape.collective != Collective::kNone) {
      return absl::UnimplementedError(
          fmt::format("layer {}: collective {} needs the multi-GPU backends", shape.index,
                      CollectiveName(shape.collective)));
    }
    PADGRAPH_RETURN_IF_ERROR(LaunchLayer(shape, rows, moe_index));
    moe_index += shape.kind == LayerKind::kMoe;
  }
  return absl::OkStatus();
}

absl::Status CudaDecoder::LaunchLayer(const LayerShape& shape, int rows, int moe_index) {
  const int* counts = stage_device_.data<int>();
  const int* tokens = counts + kStageHeader;
  bf16* x = x_.data<bf16>();
  bf16* normed = normed_.data<bf16>();
  switch (shape.kind) {
    case LayerKind::kEmbedding: {
      NvtxRange range("embedding");
      PADGRAPH_CUDA_RETURN_IF_ERROR(
          stub_kernels::Embed(tokens, counts, embedding_.data<bf16>(), hidden_, rows, x, stream_));
      return absl::OkStatus();
    }
    case LayerKind::kAttention: {
      NvtxRange range("attention");
      const LayerWeights& w = layers_[shape.decoder_layer];
      PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::RmsNorm(x, hidden_, rows, normed, stream_));
      PADGRAPH_RETURN_IF_ERROR(
          Gemm(normed, rows, hidden_, w.attn_q.data(), width_, wide_.data(), CUDA_R_16BF, 0));
      PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::Silu(wide_.data<bf16>(), rows * width_, stream_));
      return Gemm(wide_.data(), rows, width_, w.attn_o.data(), hidden_, x, CUDA_R_16BF, 1);
    }
    case LayerKind::kDenseFfn: {
      NvtxRange range("dense_ffn");
      const LayerWeights& w = layers_[shape.decoder_layer];
      PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::RmsNorm(x, hidden_, rows, normed, stream_));
      PADGRAPH_RETURN_IF_ERROR(Gemm(normed, rows, hidden_, w.gate_up.data(), 2 * dense_inner_,
                                    wide_.data(), CUDA_R_16BF, 0));
      PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::SiluMul(wide_.data<bf16>(), dense_inner_, rows,
                                                          narrow_.data<bf16>(), stream_));
      return Gemm(narrow_.data(), rows, dense_inner_, w.down.data(), hidden_, x, CUDA_R_16BF, 1);
    }
    case LayerKind::kMoe: {
      NvtxRange range("moe");
      const LayerWeights& w = layers_[shape.decoder_layer];
      const int slots = rows;  // a row picks an expert at most once
      PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::RmsNorm(x, hidden_, rows, normed, stream_));
      PADGRAPH_RETURN_IF_ERROR(Gemm(normed, rows, hidden_, w.router.data(), experts_,
                                    router_logits_.data(), CUDA_R_32F, 0));
      // The routing of this step's rows is kept for the reference's near-tie check.
      const int kept = std::min(rows, max_step_tokens_ - out_offset_);
      int* record = routing_record_.data<int>() +
                    (static_cast<size_t>(moe_index) * max_step_tokens_ + out_offset_) * top_k_;
      PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::RouteTopK(
          router_logits_.data<float>(), static_cast<int>(experts_), static_cast<int>(top_k_), rows,
          route_experts_.data<int>(), route_weights_.data<float>(), fill_.data<int>(), record, kept,
          stream_));
      PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::DispatchLocal(
          normed, route_experts_.data<int>(), counts + 1, rows, static_cast<int>(top_k_), slots,
          hidden_, expert_in_.data<bf16>(), slot_of_pair_.data<int>(), fill_.data<int>(), stream_));
      // Every expert over its slots: the masked layout, unused slots computed and never read.
      PADGRAPH_RETURN_IF_ERROR(BatchedGemm(expert_in_.data(), slots, hidden_,
                                           w.expert_gate_up.data(), 2 * expert_inner_,
                                           expert_mid_.data(), static_cast<int>(experts_)));
      PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::SiluMul(expert_mid_.data<bf16>(), expert_inner_,
                                                          static_cast<int>(experts_) * slots,
                                                          expert_act_.data<bf16>(), stream_));
      PADGRAPH_RETURN_IF_ERROR(BatchedGemm(expert_act_.data(), slots, expert_inner_,
                                           w.expert_down.data(), hidden_, expert_out_.data(),
                                           static_cast<int>(experts_)));
      for (int s = 0; s < shared_; ++s) {
        PADGRAPH_RETURN_IF_ERROR(Gemm(
            normed, rows, hidden_, w.shared_gate_up.data<bf16>() + s * 2 * expert_inner_ * hidden_,
            2 * expert_inner_, wide_.data(), CUDA_R_16BF, 0));
        PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::SiluMul(wide_.data<bf16>(), expert_inner_, rows,
                                                            narrow_.data<bf16>(), stream_));
        PADGRAPH_RETURN_IF_ERROR(Gemm(narrow_.data(), rows, expert_inner_,
                                      w.shared_down.data<bf16>() + s * hidden_ * expert_inner_,
                                      hidden_, shared_out_.data(), CUDA_R_16BF, s == 0 ? 0 : 1));
      }
      if (shared_ == 0) {
        PADGRAPH_CUDA_RETURN_IF_ERROR(
            cudaMemsetAsync(shared_out_.data(), 0, rows * hidden_ * kBf16, stream_));
      }
      PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::CombineLocal(
          expert_out_.data<bf16>(), route_experts_.data<int>(), route_weights_.data<float>(),
          slot_of_pair_.data<int>(), rows, static_cast<int>(top_k_), slots, hidden_,
          shared_out_.data<bf16>(), x, stream_));
      return absl::OkStatus();
    }
    case LayerKind::kLmHead: {
      NvtxRange range("lm_head");
      PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::RmsNorm(x, hidden_, rows, normed, stream_));
      const int kept = std::min(rows, max_step_tokens_ - out_offset_);
      return Gemm(normed, kept, hidden_, lm_head_.data(), vocab_,
                  logits_.data<float>() + static_cast<size_t>(out_offset_) * vocab_, CUDA_R_32F, 0);
    }
  }
  return absl::InternalError("unknown layer kind");
}

absl::StatusOr<std::vector<float>> CudaDecoder::ReadLogits(int rows) {
  std::vector<float> logits(static_cast<size_t>(rows) * vocab_);
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream_));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(logits.data(), logits_.data(),
                                           logits.size() * sizeof(float), cudaMemcpyDeviceToHost));
  return logits;
}

absl::StatusOr<std::vector<std::vector<std::vector<int>>>> CudaDecoder::ReadRouting(int rows) {
  std::vector<int> record(static_cast<size_t>(moe_layers_) * max_step_tokens_ * top_k_);
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream_));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(record.data(), routing_record_.data(),
                                           record.size() * sizeof(int), cudaMemcpyDeviceToHost));
  std::vector<std::vector<std::vector<int>>> routing(rows);
  for (int row = 0; row < rows; ++row) {
    for (int layer = 0; layer < moe_layers_; ++layer) {
      const int* chosen = &record[(static_cast<size_t>(layer) * max_step_tokens_ + row) * top_k_];
      routing[row].emplace_back(chosen, chosen + top_k_);
    }
  }
  return routing;
}

}  // namespace padgraph
