// The stub decoder on CUDA: bf16 storage, fp32 accumulation, cuBLAS GEMMs and the kernels of
// cuda_kernels.cuh, weights generated on the device (StubWeights' values rounded to bf16, each rank
// its TP shards and its experts). It is driven through CudaGraphRunner exactly as an engine's
// model would be: Forward is the callback the runner captures per key, Stage its staging hook.
//
// Across GPUs it uses the engine's NCCL communicator with every MoE backend: `allgather`
// (all-gather, local experts by mask, reduce-scatter) and `a2a_padded` (grouped send/recv of the
// bucket to every peer and back, experts by mask) on the host API, and `a2a_ll` on the device API
// (Note [MoE on a2a_ll]); dense-TP and lm_head-TP layers go through `host` gathers (all-gather;
// reduce-scatter or vocab shards back) or `lsa` gathers (Note [lsa gathers]). Gathered rows sit in
// `world` slots of the bucket, rank p's in slot p; eager steps use slots of the largest chunk count
// and move real rows only (grouped send/recv of the agreed counts). Under `sum` with gathers,
// every rank's real rows sit at their offsets in one zero-filled bucket(sum n) buffer,
// all-reduced.
//
// Rows past the real count are NaN from the embedding on; the expert dispatch skips them, so a
// padded row reaches no expert (but under `sum`, whose staging counts the whole bucket).
//
// Note [MoE on a2a_ll]
// One A2aLl (ep_backend/a2a_ll.h) serves every MoE layer: Create makes it (collectively, before
// any capture) for ep_capacity rows per rank, the most rows any a2a_ll launch carries (keys past
// ep_capacity are never captured, eager steps are cut into chunks of at most ep_capacity), on
// min(kA2aLlMaxSms, SM count) SMs. A MoE layer routes this rank's own rows, dispatches them with
// the count staged on the device (the real rows, the bucket under `sum`), runs each local expert
// over its whole receive block, [world x ep_capacity] rows (one strided batched GEMM for all local
// experts: rows past a source's count hold stale rows whose outputs nobody reads), and combines
// into a [rows, hidden] buffer that is added to x with the shared experts' output (its rows past
// the dispatched count are stale and land only in padded rows). The layer id of a launch is the
// layer's index in the model. Warm-ups dispatch a count of 0, so every rank still launches every
// kernel and no row moves for no step. No host-API collective runs per step, so under `local`
// ranks replay different keys and need no agreed vector.
//
// Note [a2a_ll wire bytes]
// The transport counts the row bytes its kernels store to peers. A rank's dispatch stores exactly
// its own (token, expert) pairs that leave it (or, above the transport's rank_dedup_rows, its own
// (token, other rank) rows: a2a_ll.h Note [Rows once per rank]), and the combine brings one row
// back per row sent, so the owner-accounted bytes (policy.h, Note [Wire bytes]) are 2 x the
// dispatch's peer bytes. The padded part, non-zero only under `sum`, is counted on the device from
// the routing of the rows past the real count, the same way; the real part is the rest. The
// planner (policy.h) counts one copy per pair, so above rank_dedup_rows the counted bytes are
// fewer than the plan's (its cost model prices that case apart: cost_model.h, lsa_dispatch_once).
//
// Note [lsa gathers]
// With gather_backend lsa and a dense-TP or lm_head-TP layer, one LsaGather
// (ep_backend/lsa_gather.h) serves every such layer: Create makes it (collectively, after the
// A2aLl) with slots of max_rows() rows and rows as wide as the widest it moves (a bf16 hidden row
// or an fp32 row of this rank's vocab shard), on min(kLsaGatherMaxSms, SM count) SMs. A layer
// gathers this rank's normed rows with the real count staged on the device (0 in warm-ups), so
// only real rows move, into `world` slots of the key's gather bucket (the largest bucket) in graph
// steps, of the largest chunk count in eager ones. The GEMMs that follow run over every slot's
// rows, world x slot rows (the worst case: no GEMM here reads the counts; rows past a count are
// stale and their results go back to no one). The Return sends each rank the first count rows of
// its slot: partial sums, added to x with the rows of every peer, or vocab-shard logits, placed
// side by side. The wire bytes of these layers are the transport's own counts: the rows this rank
// stored into peers' windows in Gathers plus the rows peers stored into its window in Returns,
// owner-accounted as policy.h Note [Wire bytes] says, padded bytes 0. No host-API collective runs
// per step, so with moe a2a_ll, `per_layer` keys differ across ranks and need no agreed vector.
// The window holds two buffers of world x max_rows() rows of the widest row (lsa_gather_layout.h):
// for DeepSeek-V3's lm_head TP on 8 ranks (64,640-byte rows) and 8,192 rows per step, about 8.5 GB
// per GPU. Graph steps need only the largest bucket's slots; eager steps cut to that size would
// shrink it, which is not done yet.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <nccl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "padgraph/ep_backend/a2a_ll.h"
#include "padgraph/ep_backend/host_comm.h"
#include "padgraph/ep_backend/lsa_gather.h"
#include "padgraph/ep_backend/nccl_collectives.h"
#include "padgraph/graph_runtime/cuda_handles.h"
#include "padgraph/graph_runtime/cuda_runner.h"
#include "padgraph/model_stubs/stub_weights.h"
#include "padgraph/padding_policy/parallel_config.h"

namespace padgraph {

class CudaDecoder {
 public:
  // The device-API transports' SM budgets (rule 6): their kernels leave the rest of the GPU to the
  // others.
  static constexpr int kA2aLlMaxSms = 32;
  static constexpr int kLsaGatherMaxSms = 32;

  // Buffers hold max(largest bucket, ep_capacity, max_step_tokens) rows per rank; logits hold
  // max_step_tokens rows (eager steps write chunk after chunk). `comm` (the engine's, outliving
  // the decoder) is required when config.world > 1; this rank's GPU must be current. With moe
  // a2a_ll or lsa gathers over several GPUs, Create is collective (every rank, one thread per GPU;
  // a failure on one rank fails it on every rank) and Shutdown must be called before the decoder
  // is destroyed.
  static absl::StatusOr<std::unique_ptr<CudaDecoder>> Create(const ModelSpec& model, uint64_t seed,
                                                             const ParallelConfig& config, int rank,
                                                             ncclComm_t comm, int max_step_tokens,
                                                             cudaStream_t stream);
  // Never starts a collective: a decoder whose transport was not shut down warns and leaks it.
  ~CudaDecoder();
  CudaDecoder(const CudaDecoder&) = delete;
  CudaDecoder& operator=(const CudaDecoder&) = delete;

  absl::Status Forward(const CudaForwardArgs& args);
  // Stages "step_counts" ([real rows, sum offset, sum rows, 0 (the warm-ups' dispatch count),
  // dispatch count of every rank]) and "token_ids" (the chunk's rows). Needs the agreed vector
  // across GPUs, but for graph steps of moe a2a_ll keys without gathers (`local`), which use this
  // rank's own count only.
  absl::Status Stage(const StageArgs& args, absl::Span<const int> step_tokens);
  // The static buffers Stage fills, in its order, for CudaRunnerOptions::static_buffers.
  std::vector<StaticBuffer> static_buffers() const;

  // The step's logits, [rows, vocab] fp32, and its routing [row][moe layer][k]; both synchronize
  // the stream first.
  absl::StatusOr<std::vector<float>> ReadLogits(int rows);
  absl::StatusOr<std::vector<std::vector<std::vector<int>>>> ReadRouting(int rows);

  // The wire bytes this rank's rows have put on the wire since Create, counted on the device by
  // the collectives' own launches (real and padded apart, as policy.h's Note [Wire bytes]
  // accounts them; a2a_ll: Note [a2a_ll wire bytes]). Synchronizes the stream.
  absl::StatusOr<WireCounters> ReadWireCounters();

  // Collective: tears the device-API transports down (A2aLl::Destroy, LsaGather::Destroy) on every
  // rank. Call it after the runner that captured Forward is destroyed (its graphs hold the
  // transports' launches) and before the communicator's Finalize. Idempotent; nothing to do
  // without a transport. Forward fails afterwards on a2a_ll layers and lsa gather layers.
  absl::Status Shutdown();

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
  // Note [MoE on a2a_ll]: routing, dispatch, local experts and combine of normed_'s rows; adds
  // the combined rows and shared_out_ to x_.
  absl::Status MoeA2aLl(const LayerShape& shape, int rows, int moe_index);
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
  DeadlineView deadline_;          // the runner's, from the forward being launched
  std::vector<int> eager_counts_;  // every rank's rows in the staged eager chunk

  DeviceBuffer x_, normed_, gathered_, wide_, narrow_, partial_, received_, shard_logits_,
      router_logits_, route_experts_, route_weights_, slot_of_pair_, fill_, expert_in_, expert_mid_,
      expert_act_, expert_out_, shared_out_, logits_, routing_record_, cublas_workspace_;
  DeviceBuffer wire_counters_;           // [moe real, moe padded, gather real, gather padded] bytes
  std::optional<A2aLl> a2a_;             // moe a2a_ll over several GPUs, until Shutdown
  int64_t a2a_dispatch_peer_bytes_ = 0;  // the transport's count at Shutdown
  std::optional<LsaGather> lsa_;         // lsa gathers over several GPUs, until Shutdown
  LsaGatherCounters lsa_moved_;          // the transport's counts at Shutdown
};

}  // namespace padgraph
