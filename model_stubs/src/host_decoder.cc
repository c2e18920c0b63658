// The stub decoder's host operations.
#include "padgraph/model_stubs/host_decoder.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "fmt/format.h"
#include "host_math.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph {
namespace {

using model_stubs_internal::AddAttention;
using model_stubs_internal::AddGatedFfn;
using model_stubs_internal::MatVec;
using model_stubs_internal::RmsNorm;
using model_stubs_internal::RouteTopK;

constexpr double kPoison = std::numeric_limits<double>::quiet_NaN();

template <typename T>
void Grow(std::vector<T>& buffer, int64_t size) {
  if (static_cast<int64_t>(buffer.size()) < size) buffer.resize(static_cast<size_t>(size));
}

// Bytes of `rows` rows given the real ones, split into (real, padded).
struct Split {
  int64_t real = 0;
  int64_t padded = 0;
};
Split SplitRows(int64_t rows, int64_t real_rows, int64_t bytes_per_row) {
  int64_t real = std::min(rows, real_rows);
  return {real * bytes_per_row, (rows - real) * bytes_per_row};
}

}  // namespace

absl::StatusOr<std::unique_ptr<HostDecoder>> HostDecoder::Create(const StubWeights& weights,
                                                                 const ParallelConfig& config,
                                                                 int rank, HostWorld* world) {
  PADGRAPH_RETURN_IF_ERROR(ValidateConfig(config, weights.model()));
  if (world == nullptr || world->world() != config.world) {
    return absl::InvalidArgumentError("HostDecoder: the HostWorld must have config.world ranks");
  }
  if (rank < 0 || rank >= config.world) {
    return absl::InvalidArgumentError(
        fmt::format("HostDecoder: rank {} is out of range [0, {})", rank, config.world));
  }
  return std::unique_ptr<HostDecoder>(new HostDecoder(weights, config, rank, world));
}

HostDecoder::HostDecoder(const StubWeights& weights, const ParallelConfig& config, int rank,
                         HostWorld* world)
    : model_(weights.model()),
      weights_(weights),
      config_(config),
      rank_(rank),
      world_size_(config.world),
      world_(world),
      hidden_(model_.dims.hidden),
      vocab_(model_.dims.vocab),
      width_(weights.attention_width()),
      row_bytes_(model_.row_bytes()),
      experts_per_rank_(static_cast<int>(model_.dims.num_experts / config.world)) {
  const ModelDims& d = model_.dims;
  const bool dense_tp = config.dense_mode() == DenseMode::kTp;
  const bool lm_head_tp = config.lm_head == LmHeadMode::kTp;
  dense_inner_ = dense_tp ? d.dense_intermediate / world_size_ : d.dense_intermediate;
  vocab_shard_ = lm_head_tp ? vocab_ / world_size_ : vocab_;
  embedding_ = weights.Full(WeightKind::kEmbedding, -1, -1);
  lm_head_ = weights.Block(WeightKind::kLmHead, -1, -1, rank * (lm_head_tp ? vocab_shard_ : 0),
                           (lm_head_tp ? rank * vocab_shard_ : 0) + vocab_shard_, 0, hidden_);
  for (int layer = 0; layer < d.num_decoder_layers; ++layer) {
    LayerWeights w;
    w.attn_q = weights.Full(WeightKind::kAttnQ, layer, -1);
    w.attn_o = weights.Full(WeightKind::kAttnO, layer, -1);
    if (layer < d.first_moe_layer) {
      // Column-parallel gate/up (rows of the intermediate), row-parallel down (its columns).
      const int64_t begin = dense_tp ? rank * dense_inner_ : 0;
      w.gate =
          weights.Block(WeightKind::kDenseGate, layer, -1, begin, begin + dense_inner_, 0, hidden_);
      w.up =
          weights.Block(WeightKind::kDenseUp, layer, -1, begin, begin + dense_inner_, 0, hidden_);
      w.down =
          weights.Block(WeightKind::kDenseDown, layer, -1, 0, hidden_, begin, begin + dense_inner_);
    } else {
      w.router = weights.Full(WeightKind::kRouter, layer, -1);
      for (int e = rank * experts_per_rank_; e < (rank + 1) * experts_per_rank_; ++e) {
        w.expert_gate.push_back(weights.Full(WeightKind::kExpertGate, layer, e));
        w.expert_up.push_back(weights.Full(WeightKind::kExpertUp, layer, e));
        w.expert_down.push_back(weights.Full(WeightKind::kExpertDown, layer, e));
      }
      for (int s = 0; s < d.num_shared_experts; ++s) {
        w.expert_gate.push_back(weights.Full(WeightKind::kSharedGate, layer, s));
        w.expert_up.push_back(weights.Full(WeightKind::kSharedUp, layer, s));
        w.expert_down.push_back(weights.Full(WeightKind::kSharedDown, layer, s));
      }
    }
    layers_.push_back(std::move(w));
  }
  counts_.assign(world_size_, 0);
  gathered_counts_.assign(world_size_, 0);
  router_logits_.resize(static_cast<size_t>(d.num_experts));
  router_probs_.resize(static_cast<size_t>(d.num_experts));
  scratch_.resize(static_cast<size_t>(
      2 * std::max({width_, d.dense_intermediate, d.moe_intermediate, d.num_experts}) + hidden_));
}

absl::Status HostDecoder::Stage(const StageArgs& args, absl::Span<const int> step_tokens) {
  if (static_cast<int>(step_tokens.size()) != args.shape->local_tokens) {
    return absl::InvalidArgumentError(fmt::format("stage: {} token ids for {} tokens",
                                                  step_tokens.size(), args.shape->local_tokens));
  }
  Grow(tokens_, args.chunk_rows);
  for (int i = 0; i < args.chunk_rows; ++i) {
    int token = step_tokens[args.chunk_begin + i];
    if (token < 0 || token >= vocab_) {
      return absl::InvalidArgumentError(
          fmt::format("stage: token id {} is out of range [0, {})", token, vocab_));
    }
    tokens_[i] = token;
  }
  real_rows_ = args.chunk_rows;
  dispatch_rows_ = args.dispatch_rows;
  out_offset_ = args.chunk_begin;
  sum_offset_ = 0;
  sum_rows_ = 0;
  for (int r = 0; r < static_cast<int>(args.chunk_counts.size()); ++r) {
    counts_[r] = args.chunk_counts[r];
    if (r < rank_) sum_offset_ += counts_[r];
    sum_rows_ += counts_[r];
  }
  return absl::OkStatus();
}

absl::Status HostDecoder::Forward(const HostForwardArgs& args) {
  // Size every buffer for this plan now: replays must not grow them.
  const int local_rows = static_cast<int>(args.layers.front().input_rows);
  const int64_t top_k = model_.dims.top_k;
  int64_t slot = local_rows;
  for (int count : counts_)
    slot = std::max<int64_t>(slot, count);
  int64_t gather_rows = world_size_ * std::max<int64_t>(slot, config_.buckets.back());
  for (const LayerShape& shape : args.layers)
    gather_rows = std::max(gather_rows, shape.input_rows);
  const int64_t capacity = std::max<int64_t>({config_.ep_capacity, local_rows, slot});
  Grow(tokens_, local_rows);
  Grow(x_, local_rows * hidden_);
  Grow(normed_, local_rows * hidden_);
  Grow(moe_sum_, local_rows * hidden_);
  Grow(route_experts_, (local_rows + 1) * top_k);  // one more row: scratch for the all-reduce
  Grow(route_weights_, (local_rows + 1) * top_k);
  Grow(logits_, (out_offset_ + local_rows) * vocab_);
  Grow(gathered_, gather_rows * hidden_);
  Grow(partial_, gather_rows * std::max(hidden_, vocab_shard_));
  Grow(moe_out_, std::max(world_size_ * capacity * top_k * hidden_, gather_rows * hidden_));

  for (const LayerShape& shape : args.layers) {
    PADGRAPH_RETURN_IF_ERROR(
        args.stream->Launch([this, shape, mode = args.mode, key = args.key, local_rows] {
          return RunLayer(shape, mode, key, local_rows);
        }));
  }
  return absl::OkStatus();
}

absl::Status HostDecoder::RunLayer(const LayerShape& shape, StepMode mode,
                                   const std::optional<GraphKey>& key, int local_rows) {
  switch (shape.kind) {
    case LayerKind::kEmbedding:
      Embed(local_rows);
      return absl::OkStatus();
    case LayerKind::kAttention:
      Attention(shape.decoder_layer, local_rows);
      return absl::OkStatus();
    case LayerKind::kDenseFfn:
    case LayerKind::kLmHead:
      return DenseOrLmHead(shape, mode, key, local_rows);
    case LayerKind::kMoe:
      return Moe(shape, mode, key, local_rows);
  }
  return absl::InternalError("unknown layer kind");
}

void HostDecoder::Embed(int rows) {
  for (int i = 0; i < rows; ++i) {
    double* row = &x_[static_cast<size_t>(i) * hidden_];
    if (i < real_rows_) {
      std::copy_n(&embedding_[static_cast<size_t>(tokens_[i]) * hidden_], hidden_, row);
    } else {
      std::fill_n(row, hidden_, kPoison);  // a padded row: must never reach a real result
    }
  }
}

void HostDecoder::Attention(int layer, int rows) {
  const LayerWeights& w = layers_[layer];
  for (int i = 0; i < rows; ++i) {
    AddAttention(w.attn_q.data(), w.attn_o.data(), hidden_, width_, &x_[i * hidden_],
                 scratch_.data());
  }
}

absl::Status HostDecoder::Exchange(
    HostOpKind kind, const LayerShape& shape, int64_t elements, StepMode mode,
    const std::optional<GraphKey>& key,
    absl::FunctionRef<void(absl::Span<const HostDecoder* const>)> read) {
  HostOpDesc desc{.kind = kind,
                  .layer = shape.index,
                  .elements = elements,
                  .mode = mode,
                  .key = mode == StepMode::kGraph ? key : std::nullopt};
  return world_->Rendezvous(rank_, desc, this, [&](absl::Span<const void* const> payloads) {
    std::vector<const HostDecoder*> peers;
    peers.reserve(payloads.size());
    for (const void* payload : payloads)
      peers.push_back(static_cast<const HostDecoder*>(payload));
    read(peers);
  });
}

void HostDecoder::Count(LayerKind kind, int64_t real_bytes, int64_t padded_bytes) {
  WireCounters& counters = world_->counters(rank_);
  if (kind == LayerKind::kMoe) {
    counters.moe_real_bytes += real_bytes;
    counters.moe_padded_bytes += padded_bytes;
  } else {
    counters.gather_real_bytes += real_bytes;
    counters.gather_padded_bytes += padded_bytes;
  }
}

int64_t HostDecoder::ShardWidth(LayerKind kind) const {
  return kind == LayerKind::kLmHead ? vocab_shard_ : hidden_;
}

void HostDecoder::ApplyShard(const LayerShape& shape, const double* input, double* out) {
  if (shape.kind == LayerKind::kLmHead) {
    MatVec(lm_head_.data(), vocab_shard_, hidden_, input, out);
    return;
  }
  const LayerWeights& w = layers_[shape.decoder_layer];
  std::fill_n(out, hidden_, 0.0);
  AddGatedFfn(w.gate.data(), w.up.data(), w.down.data(), hidden_, dense_inner_, input, 1.0, out,
              scratch_.data());
}

// Dense FFN and lm_head: replicated, or TP over every rank through one of the gathers.
absl::Status HostDecoder::DenseOrLmHead(const LayerShape& shape, StepMode mode,
                                        const std::optional<GraphKey>& key, int local_rows) {
  const bool lm_head = shape.kind == LayerKind::kLmHead;
  for (int i = 0; i < local_rows; ++i) {
    RmsNorm(&x_[i * hidden_], hidden_, &normed_[i * hidden_]);
  }
  if (shape.collective == Collective::kNone) {
    for (int i = 0; i < local_rows; ++i) {
      if (lm_head) {
        MatVec(lm_head_.data(), vocab_, hidden_, &normed_[i * hidden_],
               &logits_[(out_offset_ + i) * vocab_]);
      } else {
        AddGatedFfn(layers_[shape.decoder_layer].gate.data(),
                    layers_[shape.decoder_layer].up.data(),
                    layers_[shape.decoder_layer].down.data(), hidden_, dense_inner_,
                    &normed_[i * hidden_], 1.0, &x_[i * hidden_], scratch_.data());
      }
    }
    return absl::OkStatus();
  }

  const int64_t world = world_size_;
  const int64_t peers = world - 1;
  const int64_t out_width = ShardWidth(shape.kind);
  const int64_t back_row_bytes = lm_head ? vocab_shard_ * 4 : row_bytes_;
  // Where rank s's rows sit in the gather buffer, and how many of them there are.
  int64_t slot = 0;  // rows per rank slot (all_gather, lsa)
  HostOpKind in_kind = HostOpKind::kAllGather;
  HostOpKind out_kind = lm_head ? HostOpKind::kAllGather : HostOpKind::kReduceScatter;
  int64_t in_elements = 0;
  switch (shape.collective) {
    case Collective::kNcclAllGather:
      if (shape.padded_rows_sent) {
        slot = shape.input_rows / world;  // every rank's padded bucket
        in_elements = slot * hidden_;
      } else {
        // Eager: real rows only, placed by the agreed counts.
        slot = *std::max_element(counts_.begin(), counts_.end());
        in_elements = sum_rows_ * hidden_;
      }
      break;
    case Collective::kLsaGather:
      in_kind = HostOpKind::kLsaGather;
      out_kind = HostOpKind::kLsaReduce;
      slot = mode == StepMode::kGraph ? shape.input_rows / world
                                      : *std::max_element(counts_.begin(), counts_.end());
      in_elements = real_rows_ * hidden_;
      break;
    case Collective::kNcclAllReduce:
      in_kind = HostOpKind::kAllReduce;
      out_kind = lm_head ? HostOpKind::kAllGather : HostOpKind::kAllReduce;
      in_elements = shape.input_rows * hidden_;
      break;
    default:
      return absl::InternalError(fmt::format("layer {}: collective {} cannot gather rows",
                                             shape.index, CollectiveName(shape.collective)));
  }

  // In: fill the gather buffer from every rank; rows of no rank stay NaN (or zero for the sum).
  const bool summed = shape.collective == Collective::kNcclAllReduce;
  const int64_t buffer_rows = summed ? shape.input_rows : world * slot;
  std::fill_n(gathered_.begin(), buffer_rows * hidden_, summed ? 0.0 : kPoison);
  auto sent_rows = [&](const HostDecoder* peer) -> int64_t {
    return shape.padded_rows_sent && !summed ? slot : peer->real_rows_;
  };
  auto first_row = [&](const HostDecoder* peer, int s) -> int64_t {
    return summed ? peer->sum_offset_ : s * slot;
  };
  PADGRAPH_RETURN_IF_ERROR(Exchange(
      in_kind, shape, in_elements, mode, key, [&](absl::Span<const HostDecoder* const> peers) {
        for (int s = 0; s < world; ++s) {
          gathered_counts_[s] = static_cast<int>(sent_rows(peers[s]));
          std::copy_n(peers[s]->normed_.begin(), sent_rows(peers[s]) * hidden_,
                      gathered_.begin() + first_row(peers[s], s) * hidden_);
        }
      }));
  // This rank's own rows, counted once each way: given to the gather, and got back.
  if (summed) {
    // An all-reduce of the whole buffer moves 2 (W-1)/W of it; the rows no rank fills are padding.
    auto all_reduce = [&](int64_t rows) { return 2 * peers * rows * row_bytes_ / world; };
    int64_t real = all_reduce(std::min<int64_t>(sum_rows_, shape.input_rows));
    Count(shape.kind, real, all_reduce(shape.input_rows) - real);
  } else {
    Split in = SplitRows(sent_rows(this), real_rows_, peers * row_bytes_);
    Count(shape.kind, in.real, in.padded);
  }

  // Compute on every row the gather holds (padded ones too, as a GEMM over the buffer does),
  // but only on the rows ranks gave when they gave only real ones (the masked GEMM).
  for (int64_t j = 0; j < buffer_rows; ++j) {
    if (!summed && !shape.padded_rows_sent && j % slot >= gathered_counts_[j / slot]) continue;
    ApplyShard(shape, &gathered_[j * hidden_], &partial_[j * out_width]);
  }

  // Out: this rank's rows back, summed over the TP ranks (dense) or as vocab shards (lm_head).
  const int64_t back_rows = summed ? real_rows_ : sent_rows(this);
  const int64_t base = summed ? sum_offset_ : rank_ * slot;
  const int64_t out_elements = summed ? shape.input_rows * out_width : in_elements;
  PADGRAPH_RETURN_IF_ERROR(Exchange(
      out_kind, shape, out_elements, mode, key, [&](absl::Span<const HostDecoder* const> peers) {
        for (int64_t i = 0; i < back_rows; ++i) {
          if (lm_head) {
            double* row = &logits_[(out_offset_ + i) * vocab_];
            for (int p = 0; p < world; ++p) {
              std::copy_n(&peers[p]->partial_[(base + i) * out_width], out_width,
                          row + p * vocab_shard_);
            }
          } else {
            double* row = &x_[i * hidden_];
            for (int p = 0; p < world; ++p) {
              const double* part = &peers[p]->partial_[(base + i) * out_width];
              for (int64_t h = 0; h < hidden_; ++h)
                row[h] += part[h];
            }
          }
        }
      }));
  if (summed) {
    auto back = [&](int64_t rows) {
      return lm_head ? peers * rows * back_row_bytes : 2 * peers * rows * row_bytes_ / world;
    };
    int64_t real = back(std::min<int64_t>(sum_rows_, shape.input_rows));
    Count(shape.kind, real, back(shape.input_rows) - real);
  } else {
    Split out = SplitRows(back_rows, real_rows_, peers * back_row_bytes);
    Count(shape.kind, out.real, out.padded);
  }
  return absl::OkStatus();
}

void HostDecoder::AddExpert(int layer, int expert, const double* input, double scale, double* out) {
  const LayerWeights& w = layers_[layer];
  const int local = expert - rank_ * experts_per_rank_;
  AddGatedFfn(w.expert_gate[local].data(), w.expert_up[local].data(), w.expert_down[local].data(),
              hidden_, model_.dims.moe_intermediate, input, scale, out, scratch_.data());
}

void HostDecoder::AddShared(int layer, const double* input, double* out) {
  const LayerWeights& w = layers_[layer];
  for (int64_t s = 0; s < model_.dims.num_shared_experts; ++s) {
    size_t e = static_cast<size_t>(experts_per_rank_ + s);
    AddGatedFfn(w.expert_gate[e].data(), w.expert_up[e].data(), w.expert_down[e].data(), hidden_,
                model_.dims.moe_intermediate, input, 1.0, out, scratch_.data());
  }
}

absl::Status HostDecoder::Moe(const LayerShape& shape, StepMode mode,
                              const std::optional<GraphKey>& key, int local_rows) {
  const int layer = shape.decoder_layer;
  const int64_t top_k = model_.dims.top_k;
  const int64_t experts = model_.dims.num_experts;
  const int64_t world = world_size_;
  const int64_t peers = world - 1;
  const LayerWeights& w = layers_[layer];
  for (int i = 0; i < local_rows; ++i) {
    const double* n = &normed_[i * hidden_];
    RmsNorm(&x_[i * hidden_], hidden_, &normed_[i * hidden_]);
    MatVec(w.router.data(), experts, hidden_, n, router_logits_.data());
    RouteTopK(router_logits_.data(), experts, top_k, router_probs_.data(),
              &route_experts_[i * top_k], &route_weights_[i * top_k]);
    std::fill_n(&moe_sum_[i * hidden_], hidden_, 0.0);
    AddShared(layer, n, &moe_sum_[i * hidden_]);
  }
  // The rows a rank's experts see from rank s: all of its rows when padded rows run experts
  // (staged by `sum`), else its real ones.
  auto routed_rows = [](const HostDecoder* peer) { return peer->dispatch_rows_; };

  switch (shape.collective) {
    case Collective::kNone:
      for (int i = 0; i < local_rows; ++i) {
        for (int64_t j = 0; j < top_k; ++j) {
          AddExpert(layer, route_experts_[i * top_k + j], &normed_[i * hidden_],
                    route_weights_[i * top_k + j], &moe_sum_[i * hidden_]);
        }
      }
      break;

    case Collective::kLsaDispatch: {
      // Dispatch: each (row, expert) pair whose expert lives here is run here, unweighted, into
      // this rank's combine buffer [source][row][k]; combine: each source weighs and sums its own.
      const int64_t capacity = config_.ep_capacity;  // keys and eager chunks fit it
      if (dispatch_rows_ > capacity) {
        return absl::InternalError(fmt::format("layer {}: {} rows past ep_capacity {}", shape.index,
                                               dispatch_rows_, capacity));
      }
      auto at = [&](int64_t source, int64_t row, int64_t j) {
        return ((source * capacity + row) * top_k + j) * hidden_;
      };
      PADGRAPH_RETURN_IF_ERROR(Exchange(HostOpKind::kDispatch, shape, dispatch_rows_ * hidden_,
                                        mode, key, [&](absl::Span<const HostDecoder* const> ranks) {
                                          for (int s = 0; s < world; ++s) {
                                            const HostDecoder* peer = ranks[s];
                                            for (int t = 0; t < routed_rows(peer); ++t) {
                                              for (int64_t j = 0; j < top_k; ++j) {
                                                int e = peer->route_experts_[t * top_k + j];
                                                if (OwnerOf(e) != rank_) continue;
                                                double* out = &moe_out_[at(s, t, j)];
                                                std::fill_n(out, hidden_, 0.0);
                                                AddExpert(layer, e, &peer->normed_[t * hidden_],
                                                          1.0, out);
                                              }
                                            }
                                          }
                                        }));
      int64_t real_pairs = 0, padded_pairs = 0;
      PADGRAPH_RETURN_IF_ERROR(Exchange(HostOpKind::kCombine, shape, dispatch_rows_ * hidden_, mode,
                                        key, [&](absl::Span<const HostDecoder* const> ranks) {
                                          for (int t = 0; t < dispatch_rows_; ++t) {
                                            for (int64_t j = 0; j < top_k; ++j) {
                                              int e = route_experts_[t * top_k + j];
                                              int owner = OwnerOf(e);
                                              const double* out =
                                                  &ranks[owner]->moe_out_[at(rank_, t, j)];
                                              double weight = route_weights_[t * top_k + j];
                                              for (int64_t h = 0; h < hidden_; ++h)
                                                moe_sum_[t * hidden_ + h] += weight * out[h];
                                              if (owner != rank_)
                                                ++(t < real_rows_ ? real_pairs : padded_pairs);
                                            }
                                          }
                                        }));
      // One row out and one back per off-rank pair.
      Count(LayerKind::kMoe, 2 * real_pairs * row_bytes_, 2 * padded_pairs * row_bytes_);
      break;
    }

    case Collective::kNcclSendRecv:
    case Collective::kNcclAllGather: {
      // Every row goes to every peer (a2a_padded), or into every rank's gather slot (allgather):
      // the same exchange with a fixed bucket per rank in graph mode. A receiver runs its experts
      // on the rows the sender routes (masking padded ones) into [source][row] partial sums; the
      // sender sums its rows' partials back.
      const bool padded = shape.padded_rows_sent;
      const int64_t rows_per_rank =
          padded ? (shape.collective == Collective::kNcclAllGather ? shape.input_rows / world
                                                                   : shape.input_rows)
                 : *std::max_element(counts_.begin(), counts_.end());
      const int64_t sent = padded ? rows_per_rank : real_rows_;
      const int64_t elements = padded ? rows_per_rank * hidden_ : sum_rows_ * hidden_;
      const HostOpKind out_kind = shape.collective == Collective::kNcclSendRecv
                                      ? HostOpKind::kSendRecv
                                      : HostOpKind::kReduceScatter;
      const HostOpKind in_kind = shape.collective == Collective::kNcclSendRecv
                                     ? HostOpKind::kSendRecv
                                     : HostOpKind::kAllGather;
      PADGRAPH_RETURN_IF_ERROR(Exchange(
          in_kind, shape, elements, mode, key, [&](absl::Span<const HostDecoder* const> ranks) {
            for (int s = 0; s < world; ++s) {
              const HostDecoder* peer = ranks[s];
              for (int t = 0; t < rows_per_rank; ++t) {
                double* out = &moe_out_[(s * rows_per_rank + t) * hidden_];
                std::fill_n(out, hidden_, 0.0);
                if (t >= routed_rows(peer)) continue;  // padded: masked, no expert runs
                for (int64_t j = 0; j < top_k; ++j) {
                  int e = peer->route_experts_[t * top_k + j];
                  if (OwnerOf(e) != rank_) continue;
                  AddExpert(layer, e, &peer->normed_[t * hidden_],
                            peer->route_weights_[t * top_k + j], out);
                }
              }
            }
          }));
      PADGRAPH_RETURN_IF_ERROR(Exchange(
          out_kind, shape, elements, mode, key, [&](absl::Span<const HostDecoder* const> ranks) {
            for (int t = 0; t < sent; ++t) {
              for (int p = 0; p < world; ++p) {
                const double* part = &ranks[p]->moe_out_[(rank_ * rows_per_rank + t) * hidden_];
                for (int64_t h = 0; h < hidden_; ++h)
                  moe_sum_[t * hidden_ + h] += part[h];
              }
            }
          }));
      Split both = SplitRows(sent, real_rows_, 2 * peers * row_bytes_);
      Count(LayerKind::kMoe, both.real, both.padded);
      break;
    }

    case Collective::kNcclAllReduce: {
      // `sum` with the allgather backend: every rank's real rows at their offsets in one
      // bucket(sum n) buffer (zeros elsewhere), every row of it through this rank's experts (the
      // zero rows too: legacy padding runs experts), then the partial sums all-reduced.
      const int64_t buffer_rows = shape.input_rows;
      std::fill_n(gathered_.begin(), buffer_rows * hidden_, 0.0);
      PADGRAPH_RETURN_IF_ERROR(
          Exchange(HostOpKind::kAllReduce, shape, buffer_rows * hidden_, mode, key,
                   [&](absl::Span<const HostDecoder* const> ranks) {
                     for (int s = 0; s < world; ++s) {
                       std::copy_n(ranks[s]->normed_.begin(), ranks[s]->real_rows_ * hidden_,
                                   gathered_.begin() + ranks[s]->sum_offset_ * hidden_);
                     }
                   }));
      int* chosen = route_experts_.data() + static_cast<size_t>(local_rows) * top_k;
      double* weights = route_weights_.data() + static_cast<size_t>(local_rows) * top_k;
      for (int64_t j = 0; j < buffer_rows; ++j) {
        double* out = &moe_out_[j * hidden_];
        std::fill_n(out, hidden_, 0.0);
        MatVec(w.router.data(), experts, hidden_, &gathered_[j * hidden_], router_logits_.data());
        RouteTopK(router_logits_.data(), experts, top_k, router_probs_.data(), chosen, weights);
        for (int64_t k = 0; k < top_k; ++k) {
          if (OwnerOf(chosen[k]) == rank_) {
            AddExpert(layer, chosen[k], &gathered_[j * hidden_], weights[k], out);
          }
        }
      }
      PADGRAPH_RETURN_IF_ERROR(Exchange(HostOpKind::kAllReduce, shape, buffer_rows * hidden_, mode,
                                        key, [&](absl::Span<const HostDecoder* const> ranks) {
                                          for (int i = 0; i < real_rows_; ++i) {
                                            for (int p = 0; p < world; ++p) {
                                              const double* part =
                                                  &ranks[p]->moe_out_[(sum_offset_ + i) * hidden_];
                                              for (int64_t h = 0; h < hidden_; ++h)
                                                moe_sum_[i * hidden_ + h] += part[h];
                                            }
                                          }
                                        }));
      auto all_reduce = [&](int64_t rows) { return 2 * (2 * peers * rows * row_bytes_ / world); };
      int64_t real = all_reduce(std::min<int64_t>(sum_rows_, buffer_rows));
      Count(LayerKind::kMoe, real, all_reduce(buffer_rows) - real);
      break;
    }

    default:
      return absl::InternalError(fmt::format("layer {}: collective {} is not an MoE backend",
                                             shape.index, CollectiveName(shape.collective)));
  }
  for (int64_t i = 0; i < static_cast<int64_t>(local_rows) * hidden_; ++i)
    x_[i] += moe_sum_[i];
  return absl::OkStatus();
}

}  // namespace padgraph
