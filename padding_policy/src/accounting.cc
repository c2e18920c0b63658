// Wire bytes and work per layer (policy.h, Note [Wire bytes]).
#include "accounting.h"

#include <algorithm>

namespace padgraph::padding_policy_internal {

StepCounts CountsOf(const StepShape& shape) {
  StepCounts counts{.rank_tokens = shape.local_tokens};
  if (shape.agreed_tokens.empty()) return counts;
  counts.global_known = true;
  for (int tokens : shape.agreed_tokens) {
    counts.sum_tokens += tokens;
    counts.max_tokens = std::max<int64_t>(counts.max_tokens, tokens);
  }
  return counts;
}

LayerTraffic AccountLayer(const ModelSpec& model, const ParallelConfig& config,
                          const LayerShape& shape, const StepCounts& counts) {
  const int64_t world = config.world;
  const int64_t peers = world - 1;
  const int64_t row = model.row_bytes();
  const int64_t top_k = model.dims.top_k;
  const int64_t logit_shard = model.dims.vocab / world * 4;
  const int64_t n = counts.rank_tokens;
  const bool is_lm_head = shape.kind == LayerKind::kLmHead;

  // Rows this rank puts on the wire, and how many of them are real.
  int64_t wire_rows = n;
  if (shape.padded_rows_sent) {
    wire_rows = shape.collective == Collective::kNcclAllGather ? shape.input_rows / world
                                                               : shape.input_rows;
  }
  int64_t real_rows = std::min(n, wire_rows);

  // Bytes for `rows` rows; every formula is linear in rows.
  auto bytes = [&](int64_t rows) -> int64_t {
    switch (shape.collective) {
      case Collective::kNone:
        return 0;
      case Collective::kLsaDispatch:
        return 2 * rows * top_k * peers * row / world;
      case Collective::kNcclSendRecv:
        return 2 * peers * rows * row;
      case Collective::kNcclAllGather:
      case Collective::kLsaGather:
        return is_lm_head ? peers * rows * (row + logit_shard) : 2 * peers * rows * row;
      case Collective::kNcclAllReduce: {
        int64_t all_reduce = 2 * peers * rows * row / world;
        return is_lm_head ? all_reduce + peers * rows * logit_shard : 2 * all_reduce;
      }
    }
    return 0;
  };
  if (shape.collective == Collective::kNcclAllReduce) {
    // One buffer of bucket(sum n) rows on every rank; its padding is the rows no rank fills.
    real_rows = std::min(counts.sum_tokens, wire_rows);
  }

  LayerTraffic traffic;
  traffic.wire_bytes = bytes(wire_rows);
  traffic.padded_wire_bytes = traffic.wire_bytes - bytes(real_rows);
  traffic.work.wire_bytes = traffic.wire_bytes;
  if (shape.collective == Collective::kLsaDispatch) traffic.work.dispatch_rows = wire_rows;

  switch (shape.kind) {
    case LayerKind::kEmbedding:
    case LayerKind::kAttention:
    case LayerKind::kDenseFfn:
    case LayerKind::kLmHead:
      // A device-count gather's GEMMs too run over all of its slots (worst-case M).
      traffic.work.gemm_rows = shape.input_rows;
      break;
    case LayerKind::kMoe: {
      int64_t local_rows = shape.input_rows;
      if (shape.pad_target == PadTarget::kNone) {
        local_rows = n;
      } else if (shape.collective == Collective::kNcclAllGather) {
        local_rows = shape.input_rows / world;
      }
      traffic.work.gemm_rows = local_rows;
      if (shape.pad_target == PadTarget::kGlobalSum) {
        // Legacy padding: padded rows are routed and run experts like real ones.
        bool per_rank_rows = shape.collective == Collective::kLsaDispatch ||
                             shape.collective == Collective::kNcclSendRecv;
        traffic.work.routed_tokens = per_rank_rows ? world * shape.input_rows : shape.input_rows;
      } else {
        traffic.work.routed_tokens = counts.global_known ? counts.sum_tokens : world * local_rows;
      }
      break;
    }
  }
  return traffic;
}

}  // namespace padgraph::padding_policy_internal
