// The stub decoder's CUDA forward: buffers, weights, per-layer launches, the host-API NCCL
// backends and the a2a_ll transport.
#include "padgraph/model_stubs/cuda_decoder.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "cuda_kernels.cuh"
#include "fmt/format.h"
#include "padgraph/ep_backend/collective_setup.h"
#include "padgraph/ep_backend/nccl_collectives.h"
#include "padgraph/ep_backend/nccl_comm.h"
#include "padgraph/graph_runtime/cuda_check.h"
#include "padgraph/graph_runtime/nvtx.h"
#include "padgraph/padding_policy/policy.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph {
namespace {

using stub_kernels::bf16;
constexpr size_t kBf16 = sizeof(bf16);
constexpr size_t kCublasWorkspaceBytes = size_t{32} << 20;

}  // namespace

absl::StatusOr<std::unique_ptr<CudaDecoder>> CudaDecoder::Create(
    const ModelSpec& model, uint64_t seed, const ParallelConfig& config, int rank, ncclComm_t comm,
    int max_step_tokens, cudaStream_t stream) {
  PADGRAPH_RETURN_IF_ERROR(ValidateConfig(config, model));
  if (rank < 0 || rank >= config.world) {
    return absl::InvalidArgumentError(
        fmt::format("rank {} is out of range [0, {})", rank, config.world));
  }
  if (config.world > 1 && comm == nullptr) {
    return absl::InvalidArgumentError("CudaDecoder over several GPUs needs the NCCL communicator");
  }
  if (max_step_tokens < 1) {
    return absl::InvalidArgumentError(
        fmt::format("max_step_tokens {} must be >= 1", max_step_tokens));
  }
  if (model.dims.top_k > 16) {
    return absl::InvalidArgumentError(
        fmt::format("model.top_k {} is past the routing kernel's limit 16", model.dims.top_k));
  }
  // lsa gathers move rows as 16-byte words (kLsaGatherRowBytesMultiple): checked here, before any
  // collective, rather than at the first launch, when peers have already gathered.
  const bool lsa = config.world > 1 && config.gather_backend == GatherBackend::kLsa &&
                   (config.dense_mode() == DenseMode::kTp || config.lm_head == LmHeadMode::kTp);
  if (lsa && model.dims.hidden * model.dims.dtype_bytes % kLsaGatherRowBytesMultiple != 0) {
    return absl::InvalidArgumentError(
        fmt::format("gather_backend lsa: model.hidden {} x {} bytes is not a multiple of {} bytes",
                    model.dims.hidden, model.dims.dtype_bytes, kLsaGatherRowBytesMultiple));
  }
  if (lsa && config.lm_head == LmHeadMode::kTp &&
      model.dims.vocab / config.world * 4 % kLsaGatherRowBytesMultiple != 0) {
    return absl::InvalidArgumentError(fmt::format(
        "gather_backend lsa: a vocab shard of model.vocab {} / world {} fp32 logits is not a "
        "multiple of {} bytes",
        model.dims.vocab, config.world, kLsaGatherRowBytesMultiple));
  }
  auto decoder = std::unique_ptr<CudaDecoder>(
      new CudaDecoder(model, seed, config, rank, comm, max_step_tokens, stream));
  // The rank-local set-up (cuBLAS, buffers, weights: any step can fail on one rank only) comes
  // before the transports, whose Create is collective: a rank failing after one would tear it down
  // alone, and one failing just before would leave its peers waiting in the transport's
  // collectives, so every rank agrees on the set-up's outcome first. After that only the
  // transports' Create can fail, alike on every rank; they follow in the same order on every rank.
  int sm_count = 0;
  const absl::Status set_up = [&]() -> absl::Status {
    int device = 0;
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetDevice(&device));
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaDeviceGetAttribute(&sm_count, cudaDevAttrMultiProcessorCount, device));
    PADGRAPH_CUBLAS_RETURN_IF_ERROR(cublasCreate(&decoder->cublas_));
    PADGRAPH_CUBLAS_RETURN_IF_ERROR(cublasSetStream(decoder->cublas_, stream));
    PADGRAPH_RETURN_IF_ERROR(decoder->Allocate());
    PADGRAPH_CUBLAS_RETURN_IF_ERROR(cublasSetWorkspace(
        decoder->cublas_, decoder->cublas_workspace_.data(), decoder->cublas_workspace_.bytes()));
    PADGRAPH_RETURN_IF_ERROR(decoder->FillAll());
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    return absl::OkStatus();
  }();
  const bool a2a = config.world > 1 && config.moe == MoeBackend::kA2aLl;
  PADGRAPH_RETURN_IF_ERROR(a2a || lsa ? AgreeOnSetup(comm, "CudaDecoder", set_up) : set_up);
  if (a2a) {
    PADGRAPH_ASSIGN_OR_RETURN(
        decoder->a2a_, A2aLl::Create(comm, {.num_experts = static_cast<int>(model.dims.num_experts),
                                            .top_k = static_cast<int>(model.dims.top_k),
                                            .hidden = static_cast<int>(model.dims.hidden),
                                            .capacity = config.ep_capacity,
                                            .max_sms = std::min(kA2aLlMaxSms, sm_count)}));
  }
  if (lsa) {
    // Note [lsa gathers]: the widest row is a hidden row or an fp32 row of vocab shard logits.
    const int64_t row_bytes =
        std::max(decoder->RowBytes(),
                 config.lm_head == LmHeadMode::kTp ? decoder->vocab_shard_ * 4 : int64_t{0});
    absl::StatusOr<LsaGather> created =
        LsaGather::Create(comm, {.row_bytes = static_cast<int>(row_bytes),
                                 .slot_rows = decoder->max_rows_,
                                 .max_sms = std::min(kLsaGatherMaxSms, sm_count)});
    if (!created.ok()) {
      // Failed on every rank, so every rank tears its A2aLl down (collectively); should that fail
      // too, the destructor reports the leak.
      (void)decoder->Shutdown();
      return created.status();
    }
    decoder->lsa_ = *std::move(created);
  }
  return decoder;
}

CudaDecoder::CudaDecoder(const ModelSpec& model, uint64_t seed, const ParallelConfig& config,
                         int rank, ncclComm_t comm, int max_step_tokens, cudaStream_t stream)
    : model_(model),
      seed_(seed),
      config_(config),
      rank_(rank),
      world_(config.world),
      comm_(comm),
      max_step_tokens_(max_step_tokens),
      max_rows_(std::max({config.buckets.back(), config.ep_capacity, max_step_tokens})),
      stream_(stream),
      hidden_(model.dims.hidden),
      vocab_(model.dims.vocab),
      width_(model.dims.attention.num_heads * model.dims.attention.v_head_dim),
      dense_inner_(config.dense_mode() == DenseMode::kTp
                       ? model.dims.dense_intermediate / config.world
                       : model.dims.dense_intermediate),
      expert_inner_(model.dims.moe_intermediate),
      experts_(model.dims.num_experts),
      top_k_(model.dims.top_k),
      shared_(model.dims.num_shared_experts) {
  for (const Layer& layer : model.layers)
    moe_layers_ += layer.kind == LayerKind::kMoe;
  local_experts_ = experts_ / world_;
  local_begin_ = rank * local_experts_;
  vocab_shard_ = config.lm_head == LmHeadMode::kTp ? vocab_ / world_ : vocab_;
  eager_counts_.assign(world_, 0);
}

CudaDecoder::~CudaDecoder() {
  if (a2a_.has_value() || lsa_.has_value()) {
    // Tearing the transport down is collective: never here.
    std::fprintf(stderr,
                 "padgraph: a CudaDecoder was destroyed without Shutdown(); its device-API "
                 "transports leak\n");
  }
  if (cublas_ != nullptr) cublasDestroy(cublas_);
}

absl::Status CudaDecoder::Shutdown() {
  if (!a2a_.has_value() && !lsa_.has_value()) return absl::OkStatus();
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream_));
  if (a2a_.has_value()) {
    PADGRAPH_ASSIGN_OR_RETURN(A2aLlCounters moved, a2a_->ReadCounters());
    PADGRAPH_RETURN_IF_ERROR(a2a_->Destroy());
    a2a_dispatch_peer_bytes_ = static_cast<int64_t>(moved.dispatch_peer_bytes);
    a2a_.reset();
  }
  if (lsa_.has_value()) {
    PADGRAPH_ASSIGN_OR_RETURN(lsa_moved_, lsa_->ReadCounters());
    PADGRAPH_RETURN_IF_ERROR(lsa_->Destroy());
    lsa_.reset();
  }
  return absl::OkStatus();
}

absl::Status CudaDecoder::Allocate() {
  auto device = [](DeviceBuffer& buffer, size_t bytes) -> absl::Status {
    // 16-byte multiples: the staging kernel copies 16-byte words.
    PADGRAPH_ASSIGN_OR_RETURN(buffer,
                              DeviceBuffer::Allocate((std::max<size_t>(bytes, 16) + 15) / 16 * 16));
    return absl::OkStatus();
  };
  const size_t rows = max_rows_;
  const size_t gathered = rows * world_;  // every rank's slot
  const size_t h = hidden_;
  PADGRAPH_RETURN_IF_ERROR(device(embedding_, vocab_ * h * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(lm_head_, vocab_shard_ * h * kBf16));
  for (int layer = 0; layer < model_.dims.num_decoder_layers; ++layer) {
    LayerWeights w;
    PADGRAPH_RETURN_IF_ERROR(device(w.attn_q, width_ * h * kBf16));
    PADGRAPH_RETURN_IF_ERROR(device(w.attn_o, width_ * h * kBf16));
    if (layer < model_.dims.first_moe_layer) {
      PADGRAPH_RETURN_IF_ERROR(device(w.gate_up, 2 * dense_inner_ * h * kBf16));
      PADGRAPH_RETURN_IF_ERROR(device(w.down, dense_inner_ * h * kBf16));
    } else {
      PADGRAPH_RETURN_IF_ERROR(device(w.router, experts_ * h * kBf16));
      PADGRAPH_RETURN_IF_ERROR(
          device(w.expert_gate_up, local_experts_ * 2 * expert_inner_ * h * kBf16));
      PADGRAPH_RETURN_IF_ERROR(device(w.expert_down, local_experts_ * expert_inner_ * h * kBf16));
      PADGRAPH_RETURN_IF_ERROR(device(w.shared_gate_up, shared_ * 2 * expert_inner_ * h * kBf16));
      PADGRAPH_RETURN_IF_ERROR(device(w.shared_down, shared_ * expert_inner_ * h * kBf16));
    }
    layers_.push_back(std::move(w));
  }
  const size_t widest = std::max({2 * dense_inner_, 2 * expert_inner_, width_, hidden_});
  PADGRAPH_RETURN_IF_ERROR(device(x_, rows * h * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(normed_, rows * h * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(gathered_, gathered * h * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(wide_, gathered * widest * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(narrow_, gathered * widest * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(partial_, gathered * h * kBf16));
  PADGRAPH_RETURN_IF_ERROR(
      device(received_, std::max(gathered * h * kBf16, gathered * vocab_shard_ * sizeof(float))));
  PADGRAPH_RETURN_IF_ERROR(device(shard_logits_, gathered * vocab_shard_ * sizeof(float)));
  PADGRAPH_RETURN_IF_ERROR(device(router_logits_, gathered * experts_ * sizeof(float)));
  PADGRAPH_RETURN_IF_ERROR(device(route_experts_, gathered * top_k_ * sizeof(int)));
  PADGRAPH_RETURN_IF_ERROR(device(route_weights_, gathered * top_k_ * sizeof(float)));
  PADGRAPH_RETURN_IF_ERROR(device(slot_of_pair_, gathered * top_k_ * sizeof(int)));
  PADGRAPH_RETURN_IF_ERROR(device(fill_, local_experts_ * sizeof(int)));
  // The masked expert layout: [local experts, slots = every gathered row, hidden] (a row picks an
  // expert at most once).
  const size_t slots = gathered * local_experts_;
  PADGRAPH_RETURN_IF_ERROR(device(expert_in_, slots * h * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(expert_mid_, slots * 2 * expert_inner_ * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(expert_act_, slots * expert_inner_ * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(expert_out_, slots * h * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(shared_out_, rows * h * kBf16));
  PADGRAPH_RETURN_IF_ERROR(device(logits_, max_step_tokens_ * vocab_ * sizeof(float)));
  PADGRAPH_RETURN_IF_ERROR(
      device(routing_record_, std::max(moe_layers_, 1) * max_step_tokens_ * top_k_ * sizeof(int)));
  PADGRAPH_RETURN_IF_ERROR(device(cublas_workspace_, kCublasWorkspaceBytes));
  PADGRAPH_RETURN_IF_ERROR(device(step_counts_, (4 + world_) * sizeof(int)));
  PADGRAPH_RETURN_IF_ERROR(device(token_ids_, rows * sizeof(int)));
  PADGRAPH_RETURN_IF_ERROR(device(wire_counters_, 4 * sizeof(unsigned long long)));
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaMemsetAsync(wire_counters_.data(), 0, wire_counters_.bytes(), stream_));
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaMemsetAsync(step_counts_.data(), 0, step_counts_.bytes(), stream_));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(token_ids_.data(), 0, token_ids_.bytes(), stream_));
  return absl::OkStatus();
}

absl::Status CudaDecoder::Fill(void* out, WeightKind kind, int layer, int expert, int64_t row_begin,
                               int64_t rows, int64_t col_begin, int64_t cols, int64_t full_cols) {
  PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::FillWeights(
      static_cast<bf16*>(out), seed_, static_cast<int>(kind), layer, expert, row_begin, rows,
      col_begin, cols, full_cols, kind == WeightKind::kEmbedding, stream_));
  return absl::OkStatus();
}

absl::Status CudaDecoder::FillAll() {
  const int64_t h = hidden_;
  PADGRAPH_RETURN_IF_ERROR(
      Fill(embedding_.data(), WeightKind::kEmbedding, -1, -1, 0, vocab_, 0, h, h));
  // lm_head TP: this rank's rows of the vocabulary.
  const int64_t vocab_begin = config_.lm_head == LmHeadMode::kTp ? rank_ * vocab_shard_ : 0;
  PADGRAPH_RETURN_IF_ERROR(
      Fill(lm_head_.data(), WeightKind::kLmHead, -1, -1, vocab_begin, vocab_shard_, 0, h, h));
  const int64_t full_dense = model_.dims.dense_intermediate;
  const int64_t dense_begin = config_.dense_mode() == DenseMode::kTp ? rank_ * dense_inner_ : 0;
  for (int layer = 0; layer < model_.dims.num_decoder_layers; ++layer) {
    LayerWeights& w = layers_[layer];
    PADGRAPH_RETURN_IF_ERROR(
        Fill(w.attn_q.data(), WeightKind::kAttnQ, layer, -1, 0, width_, 0, h, h));
    PADGRAPH_RETURN_IF_ERROR(
        Fill(w.attn_o.data(), WeightKind::kAttnO, layer, -1, 0, h, 0, width_, width_));
    // Gate rows then up rows, each [begin, begin + inner) of its weight.
    auto gate_up = [&](void* out, WeightKind gate, WeightKind up, int expert, int64_t begin,
                       int64_t inner) {
      PADGRAPH_RETURN_IF_ERROR(Fill(out, gate, layer, expert, begin, inner, 0, h, h));
      return Fill(static_cast<bf16*>(out) + inner * h, up, layer, expert, begin, inner, 0, h, h);
    };
    if (layer < model_.dims.first_moe_layer) {
      // Column-parallel gate/up, row-parallel down: this rank's slice of the intermediate.
      PADGRAPH_RETURN_IF_ERROR(gate_up(w.gate_up.data(), WeightKind::kDenseGate,
                                       WeightKind::kDenseUp, -1, dense_begin, dense_inner_));
      PADGRAPH_RETURN_IF_ERROR(Fill(w.down.data(), WeightKind::kDenseDown, layer, -1, 0, h,
                                    dense_begin, dense_inner_, full_dense));
      continue;
    }
    PADGRAPH_RETURN_IF_ERROR(
        Fill(w.router.data(), WeightKind::kRouter, layer, -1, 0, experts_, 0, h, h));
    for (int64_t e = 0; e < local_experts_; ++e) {
      const int expert = static_cast<int>(local_begin_ + e);
      PADGRAPH_RETURN_IF_ERROR(gate_up(w.expert_gate_up.data<bf16>() + e * 2 * expert_inner_ * h,
                                       WeightKind::kExpertGate, WeightKind::kExpertUp, expert, 0,
                                       expert_inner_));
      PADGRAPH_RETURN_IF_ERROR(Fill(w.expert_down.data<bf16>() + e * h * expert_inner_,
                                    WeightKind::kExpertDown, layer, expert, 0, h, 0, expert_inner_,
                                    expert_inner_));
    }
    for (int s = 0; s < shared_; ++s) {
      PADGRAPH_RETURN_IF_ERROR(gate_up(w.shared_gate_up.data<bf16>() + s * 2 * expert_inner_ * h,
                                       WeightKind::kSharedGate, WeightKind::kSharedUp, s, 0,
                                       expert_inner_));
      PADGRAPH_RETURN_IF_ERROR(Fill(w.shared_down.data<bf16>() + s * h * expert_inner_,
                                    WeightKind::kSharedDown, layer, s, 0, h, 0, expert_inner_,
                                    expert_inner_));
    }
  }
  return absl::OkStatus();
}

std::vector<StaticBuffer> CudaDecoder::static_buffers() const {
  return {{.name = "step_counts", .device = step_counts_.data(), .bytes = step_counts_.bytes()},
          {.name = "token_ids", .device = token_ids_.data(), .bytes = token_ids_.bytes()}};
}

absl::Status CudaDecoder::Stage(const StageArgs& args, absl::Span<const int> step_tokens) {
  if (static_cast<int>(step_tokens.size()) != args.shape->local_tokens) {
    return absl::InvalidArgumentError(fmt::format("stage: {} token ids for {} tokens",
                                                  step_tokens.size(), args.shape->local_tokens));
  }
  if (args.chunk_rows > max_rows_ || args.chunk_begin + args.chunk_rows > max_step_tokens_) {
    return absl::InvalidArgumentError(
        fmt::format("stage: rows [{}, {}) are past the decoder's limit of {} rows per step",
                    args.chunk_begin, args.chunk_begin + args.chunk_rows, max_step_tokens_));
  }
  if (args.staging.size() != 2 || args.staging[0].capacity < step_counts_.bytes() ||
      args.staging[1].capacity < args.chunk_rows * sizeof(int)) {
    return absl::InternalError("stage: the runner's slots are not the decoder's static_buffers()");
  }
  const bool agreed = static_cast<int>(args.chunk_counts.size()) == world_;
  // A graph step of an a2a_ll key without gathers or with device-count (lsa) gathers reads only
  // this rank's own count (the dispatch and the gathers read it on the device); everything else
  // places rows by every rank's count.
  const GatherLayout layout = args.selection->key.gather_layout;
  const bool own_count_suffices =
      config_.moe == MoeBackend::kA2aLl && args.selection->mode == StepMode::kGraph &&
      (layout == GatherLayout::kNone || layout == GatherLayout::kDeviceCount);
  if (world_ > 1 && !agreed && !own_count_suffices) {
    return absl::FailedPreconditionError(
        "stage: several GPUs need every rank's count (the agreed vector) each step, but for graph "
        "steps of moe a2a_ll without gathers or with lsa gathers");
  }
  int* slot = static_cast<int*>(args.staging[0].host);
  int* token_ids = static_cast<int*>(args.staging[1].host);
  slot[0] = args.chunk_rows;
  slot[1] = slot[2] = slot[3] = 0;
  // The all_reduce_sum layout's row offset (the rows of the ranks before this one) and its real
  // rows (every rank's).
  for (int r = 0; r < static_cast<int>(args.chunk_counts.size()); ++r) {
    if (r < rank_) slot[1] += args.chunk_counts[r];
    slot[2] += args.chunk_counts[r];
  }
  // The dispatch counts: the rows of each rank its experts see. Under `sum` the whole bucket.
  const bool padded =
      args.selection->mode == StepMode::kGraph && StagesPaddedCount(*args.selection);
  for (int r = 0; r < world_; ++r) {
    // Without the agreed vector only this rank's rows are known (and the only ones read).
    const int rows = agreed ? args.chunk_counts[r] : (r == rank_ ? args.chunk_rows : 0);
    slot[4 + r] = padded ? args.selection->key.local_bucket : rows;
    eager_counts_[r] = rows;
  }
  for (int i = 0; i < args.chunk_rows; ++i) {
    int token = step_tokens[args.chunk_begin + i];
    if (token < 0 || token >= vocab_) {
      return absl::InvalidArgumentError(
          fmt::format("stage: token id {} is out of range [0, {})", token, vocab_));
    }
    token_ids[i] = token;
  }
  args.staging[0].bytes = step_counts_.bytes();
  args.staging[1].bytes = args.chunk_rows * sizeof(int);
  out_offset_ = args.chunk_begin;
  return absl::OkStatus();
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
  warm_up_ = args.warm_up;
  deadline_ = args.deadline;
  const int rows = static_cast<int>(args.layers.front().input_rows);
  if (rows > max_rows_) {
    return absl::InvalidArgumentError(
        fmt::format("forward: {} rows are past the decoder's {} rows", rows, max_rows_));
  }
  int moe_index = 0;
  for (const LayerShape& shape : args.layers) {
    switch (shape.collective) {
      case Collective::kNone:
      case Collective::kNcclAllGather:
      case Collective::kNcclSendRecv:
      case Collective::kNcclAllReduce:
      case Collective::kLsaDispatch:
      case Collective::kLsaGather:
        break;
      default:
        return absl::UnimplementedError(
            fmt::format("layer {}: collective {} is not built for CUDA yet", shape.index,
                        CollectiveName(shape.collective)));
    }
    PADGRAPH_RETURN_IF_ERROR(LaunchLayer(shape, rows, moe_index, args.mode));
    moe_index += shape.kind == LayerKind::kMoe;
  }
  return absl::OkStatus();
}

SlotExchange CudaDecoder::ExchangeFor(const LayerShape& shape, int rows, StepMode mode) const {
  SlotExchange exchange{.world = world_,
                        .rank = rank_,
                        .slot_rows = rows,
                        .send_recv = shape.collective == Collective::kNcclSendRecv};
  if (mode == StepMode::kEager) {
    exchange.slot_rows = *std::max_element(eager_counts_.begin(), eager_counts_.end());
    exchange.rows_of_rank = eager_counts_;
  }
  return exchange;
}

absl::Status CudaDecoder::ReturnPartialSums(const SlotExchange& exchange, const void* shared_out,
                                            int rows) {
  if (exchange.UsesCollective()) {
    PADGRAPH_RETURN_IF_ERROR(ReduceScatterSlots(exchange, partial_.data(), hidden_, ncclBfloat16,
                                                received_.data(), comm_, stream_));
    PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::AddRows(x_.data<bf16>(), received_.data<bf16>(), 1,
                                                        0, static_cast<const bf16*>(shared_out),
                                                        rows, hidden_, stream_));
    return absl::OkStatus();
  }
  PADGRAPH_RETURN_IF_ERROR(ReturnSlots(exchange, partial_.data(), hidden_, ncclBfloat16,
                                       received_.data(), comm_, stream_));
  PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::AddRows(
      x_.data<bf16>(), received_.data<bf16>(), world_, exchange.slot_rows * hidden_,
      static_cast<const bf16*>(shared_out), exchange.RowsOf(rank_), hidden_, stream_));
  return absl::OkStatus();
}

absl::Status CudaDecoder::LaunchLayer(const LayerShape& shape, int rows, int moe_index,
                                      StepMode mode) {
  bf16* x = x_.data<bf16>();
  bf16* normed = normed_.data<bf16>();
  switch (shape.kind) {
    case LayerKind::kEmbedding: {
      NvtxRange range("embedding");
      PADGRAPH_CUDA_RETURN_IF_ERROR(
          stub_kernels::Embed(token_ids_.data<int>(), step_counts_.data<int>(),
                              embedding_.data<bf16>(), hidden_, rows, x, stream_));
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
      if (shape.collective != Collective::kNone) return DenseOrLmHeadTp(shape, rows, mode);
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
      return Moe(shape, rows, moe_index, mode);
    }
    case LayerKind::kLmHead: {
      NvtxRange range("lm_head");
      if (shape.collective != Collective::kNone) return DenseOrLmHeadTp(shape, rows, mode);
      PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::RmsNorm(x, hidden_, rows, normed, stream_));
      const int kept = std::min(rows, max_step_tokens_ - out_offset_);
      return Gemm(normed, kept, hidden_, lm_head_.data(), vocab_,
                  logits_.data<float>() + static_cast<size_t>(out_offset_) * vocab_, CUDA_R_32F, 0);
    }
  }
  return absl::InternalError("unknown layer kind");
}

// TP over every rank: gather the normed rows, run this rank's shard on all of them, send each
// rank's rows back: partial sums reduced (dense) or vocab shards (lm_head).
absl::Status CudaDecoder::DenseOrLmHeadTp(const LayerShape& shape, int rows, StepMode mode) {
  if (shape.collective == Collective::kNcclAllReduce) return DenseOrLmHeadSum(shape, rows);
  const bool lsa = shape.collective == Collective::kLsaGather;
  if (lsa && !lsa_.has_value()) {
    return absl::FailedPreconditionError(fmt::format(
        "layer {}: gather_backend lsa has no transport (the decoder was shut down)", shape.index));
  }
  SlotExchange gather = ExchangeFor(shape, rows, mode);
  // Note [lsa gathers]: graph steps gather into slots of the key's gather bucket; eager steps into
  // slots of the largest chunk count, as the host gathers do.
  if (lsa && mode == StepMode::kGraph)
    gather.slot_rows = static_cast<int>(shape.input_rows) / world_;
  if (lsa) gather.slot_rows = std::max(gather.slot_rows, 1);
  const int gathered_rows = world_ * gather.slot_rows;
  // Under lsa, this rank's rows are the staged real count, read on the device; warm-ups gather 0.
  const int* staged = step_counts_.data<int>();
  auto gather_rows = [&]() -> absl::Status {
    if (!lsa) {
      return GatherSlots(gather, normed_.data(), hidden_, ncclBfloat16, gathered_.data(), comm_,
                         stream_);
    }
    return lsa_->Gather({.local = normed_.data(),
                         .num_rows = warm_up_ ? staged + 3 : staged,
                         .rows = rows,
                         .slot_rows = gather.slot_rows,
                         .row_bytes = static_cast<int>(RowBytes()),
                         .gathered = gathered_.data(),
                         .layer = shape.index,
                         .deadline = deadline_},
                        stream_);
  };
  auto return_rows = [&](const void* partial, int64_t row_elems,
                         ncclDataType_t type) -> absl::Status {
    if (!lsa) {
      return ReturnSlots(gather, partial, row_elems, type, received_.data(), comm_, stream_);
    }
    return lsa_->Return({.partial = partial,
                         .slot_rows = gather.slot_rows,
                         .row_bytes = static_cast<int>(row_elems * (type == ncclFloat32 ? 4 : 2)),
                         .received = received_.data(),
                         .layer = shape.index,
                         .deadline = deadline_},
                        stream_);
  };
  bf16* x = x_.data<bf16>();
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      stub_kernels::RmsNorm(x, hidden_, rows, normed_.data<bf16>(), stream_));
  PADGRAPH_RETURN_IF_ERROR(gather_rows());
  const bf16* in = gathered_.data<bf16>();
  // This rank's rows: a graph step under lsa runs all of its bucket's (rows past the real count
  // come back stale and land in padded rows only).
  const int own = lsa ? rows : gather.RowsOf(rank_);
  if (shape.kind == LayerKind::kLmHead) {
    PADGRAPH_RETURN_IF_ERROR(Gemm(in, gathered_rows, hidden_, lm_head_.data(), vocab_shard_,
                                  shard_logits_.data(), CUDA_R_32F, 0));
    PADGRAPH_RETURN_IF_ERROR(return_rows(shard_logits_.data(), vocab_shard_, ncclFloat32));
    const int kept = std::min(own, max_step_tokens_ - out_offset_);
    // received_ is [world, slot, shard]: interleave this rank's rows (the first `kept` of each).
    if (kept == gather.slot_rows) {
      PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::InterleaveShards(
          received_.data<float>(), world_, kept, vocab_shard_,
          logits_.data<float>() + static_cast<size_t>(out_offset_) * vocab_, stream_));
    } else {
      for (int p = 0; p < world_; ++p) {
        PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy2DAsync(
            logits_.data<float>() + static_cast<size_t>(out_offset_) * vocab_ + p * vocab_shard_,
            vocab_ * sizeof(float),
            received_.data<float>() + static_cast<size_t>(p) * gather.slot_rows * vocab_shard_,
            vocab_shard_ * sizeof(float), vocab_shard_ * sizeof(float), kept,
            cudaMemcpyDeviceToDevice, stream_));
      }
    }
    // This rank's rows to every peer, its logit shards back from each (lsa: Note [lsa gathers]).
    if (lsa) return absl::OkStatus();
    return Count(shape.kind, own, (world_ - 1) * (RowBytes() + vocab_shard_ * 4), 1, false);
  }
  const LayerWeights& w = layers_[shape.decoder_layer];
  PADGRAPH_RETURN_IF_ERROR(Gemm(in, gathered_rows, hidden_, w.gate_up.data(), 2 * dense_inner_,
                                wide_.data(), CUDA_R_16BF, 0));
  PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::SiluMul(
      wide_.data<bf16>(), dense_inner_, gathered_rows, narrow_.data<bf16>(), stream_));
  PADGRAPH_RETURN_IF_ERROR(Gemm(narrow_.data(), gathered_rows, dense_inner_, w.down.data(), hidden_,
                                partial_.data(), CUDA_R_16BF, 0));
  if (lsa) {
    PADGRAPH_RETURN_IF_ERROR(return_rows(partial_.data(), hidden_, ncclBfloat16));
    PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::AddRows(x, received_.data<bf16>(), world_,
                                                        gather.slot_rows * hidden_, nullptr, own,
                                                        hidden_, stream_));
    return absl::OkStatus();  // Note [lsa gathers]
  }
  PADGRAPH_RETURN_IF_ERROR(ReturnPartialSums(gather, nullptr, rows));
  // This rank's rows to every peer and their partial sums back from each.
  return Count(shape.kind, own, 2 * (world_ - 1) * RowBytes(), 1, false);
}

// The all_reduce_sum layout: every rank's real rows at their offsets in one bucket(sum n) buffer
// (zeros elsewhere) through an all-reduce; this rank's shard on every row of it; the partial sums
// all-reduced (dense) or the vocab shards all-gathered (lm_head); this rank's rows taken back.
absl::Status CudaDecoder::PlaceAndReduce(const void* local, int rows) {
  const int* staged = step_counts_.data<int>();
  PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::PlaceAtOffset(static_cast<const bf16*>(local), staged,
                                                            staged + 1, rows, hidden_,
                                                            gathered_.data<bf16>(), stream_));
  return AllReduceRows(gathered_.data(), rows, hidden_, ncclBfloat16, comm_, stream_);
}

absl::Status CudaDecoder::DenseOrLmHeadSum(const LayerShape& shape, int rows) {
  const int* staged = step_counts_.data<int>();
  bf16* x = x_.data<bf16>();
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      stub_kernels::RmsNorm(x, hidden_, rows, normed_.data<bf16>(), stream_));
  PADGRAPH_RETURN_IF_ERROR(PlaceAndReduce(normed_.data<bf16>(), rows));
  const bf16* in = gathered_.data<bf16>();
  if (shape.kind == LayerKind::kLmHead) {
    PADGRAPH_RETURN_IF_ERROR(Gemm(in, rows, hidden_, lm_head_.data(), vocab_shard_,
                                  shard_logits_.data(), CUDA_R_32F, 0));
    PADGRAPH_RETURN_IF_ERROR(AllGatherRows(shard_logits_.data(), rows, vocab_shard_, ncclFloat32,
                                           received_.data(), comm_, stream_));
    PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::InterleaveFromOffset(
        received_.data<float>(), staged, staged + 1, world_, rows, vocab_shard_,
        logits_.data<float>() + static_cast<size_t>(out_offset_) * vocab_, stream_));
    // The hidden rows' all-reduce, then every rank's logit shards of the whole buffer.
    const int64_t peers = world_ - 1;
    return Count(shape.kind, rows, 2 * peers * RowBytes() + world_ * peers * vocab_shard_ * 4,
                 world_, true);
  }
  const LayerWeights& w = layers_[shape.decoder_layer];
  PADGRAPH_RETURN_IF_ERROR(
      Gemm(in, rows, hidden_, w.gate_up.data(), 2 * dense_inner_, wide_.data(), CUDA_R_16BF, 0));
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      stub_kernels::SiluMul(wide_.data<bf16>(), dense_inner_, rows, narrow_.data<bf16>(), stream_));
  PADGRAPH_RETURN_IF_ERROR(Gemm(narrow_.data(), rows, dense_inner_, w.down.data(), hidden_,
                                partial_.data(), CUDA_R_16BF, 0));
  PADGRAPH_RETURN_IF_ERROR(
      AllReduceRows(partial_.data(), rows, hidden_, ncclBfloat16, comm_, stream_));
  PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::AddFromOffset(
      x, partial_.data<bf16>(), staged, staged + 1, nullptr, rows, hidden_, stream_));
  // Two all-reduces of the buffer, in and out.
  return Count(shape.kind, rows, 4 * (world_ - 1) * RowBytes(), world_, true);
}

absl::Status CudaDecoder::Moe(const LayerShape& shape, int rows, int moe_index, StepMode mode) {
  const LayerWeights& w = layers_[shape.decoder_layer];
  const int* dispatch_counts = step_counts_.data<int>() + 4;
  bf16* x = x_.data<bf16>();
  bf16* normed = normed_.data<bf16>();
  PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::RmsNorm(x, hidden_, rows, normed, stream_));
  // The shared experts run on this rank's rows (DP).
  for (int s = 0; s < shared_; ++s) {
    PADGRAPH_RETURN_IF_ERROR(Gemm(normed, rows, hidden_,
                                  w.shared_gate_up.data<bf16>() + s * 2 * expert_inner_ * hidden_,
                                  2 * expert_inner_, wide_.data(), CUDA_R_16BF, 0));
    PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::SiluMul(wide_.data<bf16>(), expert_inner_, rows,
                                                        narrow_.data<bf16>(), stream_));
    PADGRAPH_RETURN_IF_ERROR(Gemm(narrow_.data(), rows, expert_inner_,
                                  w.shared_down.data<bf16>() + s * hidden_ * expert_inner_, hidden_,
                                  shared_out_.data(), CUDA_R_16BF, s == 0 ? 0 : 1));
  }
  if (shared_ == 0) {
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaMemsetAsync(shared_out_.data(), 0, rows * hidden_ * kBf16, stream_));
  }
  if (shape.collective == Collective::kLsaDispatch) return MoeA2aLl(shape, rows, moe_index);

  // The rows the experts see: this rank's alone, every rank's gathered into slots, or (`sum`) the
  // all-reduced bucket(sum n) buffer, all of whose rows run experts.
  const bool summed = shape.collective == Collective::kNcclAllReduce;
  const bool across = shape.collective != Collective::kNone && !summed;
  SlotExchange gather{.world = world_, .rank = rank_, .slot_rows = rows};
  const bf16* in = normed;
  if (across) {
    gather = ExchangeFor(shape, rows, mode);
    PADGRAPH_RETURN_IF_ERROR(
        GatherSlots(gather, normed, hidden_, ncclBfloat16, gathered_.data(), comm_, stream_));
    in = gathered_.data<bf16>();
  } else if (summed) {
    PADGRAPH_RETURN_IF_ERROR(PlaceAndReduce(normed, rows));
    in = gathered_.data<bf16>();
  }
  const int routed_rows = (across ? world_ : 1) * gather.slot_rows;
  PADGRAPH_RETURN_IF_ERROR(Gemm(in, routed_rows, hidden_, w.router.data(), experts_,
                                router_logits_.data(), CUDA_R_32F, 0));
  // This rank's rows' routing is kept for the reference's near-tie check.
  const int own_begin = across ? rank_ * gather.slot_rows : 0;
  const int kept = std::min(gather.RowsOf(rank_), max_step_tokens_ - out_offset_);
  int* record = routing_record_.data<int>() +
                (static_cast<size_t>(moe_index) * max_step_tokens_ + out_offset_) * top_k_;
  PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::RouteTopK(
      router_logits_.data<float>(), static_cast<int>(experts_), static_cast<int>(top_k_),
      routed_rows, route_experts_.data<int>(), route_weights_.data<float>(), fill_.data<int>(),
      static_cast<int>(local_experts_), record, own_begin,
      summed ? step_counts_.data<int>() + 1 : nullptr, kept, stream_));
  PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::DispatchMasked(
      in, route_experts_.data<int>(), summed ? nullptr : dispatch_counts, gather.slot_rows,
      across ? world_ : 1, static_cast<int>(top_k_), static_cast<int>(local_begin_),
      static_cast<int>(local_experts_), routed_rows, hidden_, expert_in_.data<bf16>(),
      slot_of_pair_.data<int>(), fill_.data<int>(), stream_));
  // Every local expert over its slots: the masked layout, unused slots computed and never read.
  PADGRAPH_RETURN_IF_ERROR(BatchedGemm(expert_in_.data(), routed_rows, hidden_,
                                       w.expert_gate_up.data(), 2 * expert_inner_,
                                       expert_mid_.data(), static_cast<int>(local_experts_)));
  PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::SiluMul(
      expert_mid_.data<bf16>(), expert_inner_, static_cast<int>(local_experts_) * routed_rows,
      expert_act_.data<bf16>(), stream_));
  PADGRAPH_RETURN_IF_ERROR(BatchedGemm(expert_act_.data(), routed_rows, expert_inner_,
                                       w.expert_down.data(), hidden_, expert_out_.data(),
                                       static_cast<int>(local_experts_)));
  if (!across && !summed) {
    PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::Combine(
        expert_out_.data<bf16>(), route_experts_.data<int>(), route_weights_.data<float>(),
        slot_of_pair_.data<int>(), rows, static_cast<int>(top_k_), 0, routed_rows, hidden_,
        shared_out_.data<bf16>(), x, nullptr, stream_));
    return absl::OkStatus();
  }
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      stub_kernels::Combine(expert_out_.data<bf16>(), route_experts_.data<int>(),
                            route_weights_.data<float>(), slot_of_pair_.data<int>(), routed_rows,
                            static_cast<int>(top_k_), static_cast<int>(local_begin_), routed_rows,
                            hidden_, nullptr, nullptr, partial_.data<bf16>(), stream_));
  if (summed) {
    const int* staged = step_counts_.data<int>();
    PADGRAPH_RETURN_IF_ERROR(
        AllReduceRows(partial_.data(), rows, hidden_, ncclBfloat16, comm_, stream_));
    PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::AddFromOffset(x, partial_.data<bf16>(), staged,
                                                              staged + 1, shared_out_.data<bf16>(),
                                                              rows, hidden_, stream_));
    return Count(LayerKind::kMoe, rows, 4 * (world_ - 1) * RowBytes(), world_, true);
  }
  PADGRAPH_RETURN_IF_ERROR(ReturnPartialSums(gather, shared_out_.data<bf16>(), rows));
  // Every row of this rank's bucket (real ones only in eager steps) to every peer and back.
  return Count(LayerKind::kMoe, gather.RowsOf(rank_), 2 * (world_ - 1) * RowBytes(), 1, false);
}

// Note [MoE on a2a_ll].
absl::Status CudaDecoder::MoeA2aLl(const LayerShape& shape, int rows, int moe_index) {
  if (!a2a_.has_value()) {
    return absl::FailedPreconditionError(fmt::format(
        "layer {}: moe a2a_ll has no transport (the decoder was shut down, or runs on one GPU)",
        shape.index));
  }
  const LayerWeights& w = layers_[shape.decoder_layer];
  const int* staged = step_counts_.data<int>();
  // The dispatch count staged for this rank; warm-ups dispatch the staged 0.
  const int* sent_rows = warm_up_ ? staged + 3 : staged + 4 + rank_;
  PADGRAPH_RETURN_IF_ERROR(Gemm(normed_.data(), rows, hidden_, w.router.data(), experts_,
                                router_logits_.data(), CUDA_R_32F, 0));
  const int kept = std::min(rows, max_step_tokens_ - out_offset_);
  int* record = routing_record_.data<int>() +
                (static_cast<size_t>(moe_index) * max_step_tokens_ + out_offset_) * top_k_;
  PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::RouteTopK(
      router_logits_.data<float>(), static_cast<int>(experts_), static_cast<int>(top_k_), rows,
      route_experts_.data<int>(), route_weights_.data<float>(), fill_.data<int>(), 0, record, 0,
      nullptr, kept, stream_));
  if (shape.padded_rows_sent && !warm_up_) {
    PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::CountPaddedPairs(
        wire_counters_.data<unsigned long long>() + 1, route_experts_.data<int>(),
        static_cast<int>(top_k_), staged, sent_rows, rows, static_cast<int>(local_experts_), rank_,
        RowBytes(), a2a_->layout().shape.rank_dedup_rows, stream_));
  }
  PADGRAPH_RETURN_IF_ERROR(a2a_->Dispatch({.x = normed_.data(),
                                           .topk_ids = route_experts_.data<int32_t>(),
                                           .num_rows = sent_rows,
                                           .weights = route_weights_.data<float>(),
                                           .rows = rows,
                                           .layer = shape.index,
                                           .deadline = deadline_},
                                          stream_));
  // Every local expert over its whole receive block, [world][capacity] rows.
  const A2aLlShape& transport = a2a_->layout().shape;
  const int block_rows = transport.world * transport.capacity;
  const int local = static_cast<int>(local_experts_);
  PADGRAPH_RETURN_IF_ERROR(BatchedGemm(a2a_->recv_rows(), block_rows, hidden_,
                                       w.expert_gate_up.data(), 2 * expert_inner_,
                                       expert_mid_.data(), local));
  PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::SiluMul(expert_mid_.data<bf16>(), expert_inner_,
                                                      local * block_rows, expert_act_.data<bf16>(),
                                                      stream_));
  PADGRAPH_RETURN_IF_ERROR(BatchedGemm(expert_act_.data(), block_rows, expert_inner_,
                                       w.expert_down.data(), hidden_, expert_out_.data(), local));
  PADGRAPH_RETURN_IF_ERROR(a2a_->Combine({.expert_out = expert_out_.data(),
                                          .weights = route_weights_.data<float>(),
                                          .rows = rows,
                                          .layer = shape.index,
                                          .out = partial_.data(),
                                          .deadline = deadline_},
                                         stream_));
  // The combine writes the dispatched rows only; the rest of partial_ is stale and lands in
  // padded rows of x_, which nothing reads.
  PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::AddRows(x_.data<bf16>(), partial_.data<bf16>(), 1, 0,
                                                      shared_out_.data<bf16>(), rows, hidden_,
                                                      stream_));
  return absl::OkStatus();
}

absl::Status CudaDecoder::Count(LayerKind kind, int rows, int64_t numerator, int64_t denominator,
                                bool all_ranks_real) {
  if (warm_up_) return absl::OkStatus();
  const int* staged = step_counts_.data<int>();
  PADGRAPH_CUDA_RETURN_IF_ERROR(stub_kernels::CountWire(
      wire_counters_.data<unsigned long long>() + (kind == LayerKind::kMoe ? 0 : 2),
      all_ranks_real ? staged + 2 : staged, rows, numerator, denominator, stream_));
  return absl::OkStatus();
}

absl::StatusOr<WireCounters> CudaDecoder::ReadWireCounters() {
  unsigned long long counts[4] = {};
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream_));
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaMemcpy(counts, wire_counters_.data(), sizeof(counts), cudaMemcpyDeviceToHost));
  WireCounters wire{static_cast<int64_t>(counts[0]), static_cast<int64_t>(counts[1]),
                    static_cast<int64_t>(counts[2]), static_cast<int64_t>(counts[3])};
  if (world_ > 1 && config_.moe == MoeBackend::kA2aLl) {
    // Note [a2a_ll wire bytes]; after Shutdown, the transport's last count.
    int64_t dispatch_peer_bytes = a2a_dispatch_peer_bytes_;
    if (a2a_.has_value()) {
      PADGRAPH_ASSIGN_OR_RETURN(A2aLlCounters moved, a2a_->ReadCounters());
      dispatch_peer_bytes = static_cast<int64_t>(moved.dispatch_peer_bytes);
    }
    wire.moe_real_bytes += 2 * dispatch_peer_bytes - wire.moe_padded_bytes;
  }
  // Note [lsa gathers]; after Shutdown, the transport's last count.
  LsaGatherCounters lsa_moved = lsa_moved_;
  if (lsa_.has_value()) {
    PADGRAPH_ASSIGN_OR_RETURN(lsa_moved, lsa_->ReadCounters());
  }
  wire.gather_real_bytes +=
      static_cast<int64_t>(lsa_moved.gather_peer_bytes + lsa_moved.return_received_bytes);
  return wire;
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
