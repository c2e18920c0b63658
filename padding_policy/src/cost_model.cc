// The cost model's defaults, JSON override and per-layer prediction.
#include "padgraph/padding_policy/cost_model.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "padgraph/padding_policy/rank_dedup.h"

namespace padgraph {
namespace {

using Json = nlohmann::json;

absl::Status ReadRate(const Json& object, std::string_view field, double& value,
                      bool zero_allowed) {
  if (!object.is_number()) {
    return absl::InvalidArgumentError(fmt::format("cost model: {} must be a number", field));
  }
  double read = object.get<double>();
  if (!std::isfinite(read) || read < 0 || (!zero_allowed && read == 0)) {
    return absl::InvalidArgumentError(
        fmt::format("cost model: {} {} must be {}", field, read, zero_allowed ? ">= 0" : "> 0"));
  }
  value = read;
  return absl::OkStatus();
}

absl::Status ReadCollective(const Json& object, std::string_view name, CollectiveCost& cost) {
  if (!object.is_object()) {
    return absl::InvalidArgumentError(
        fmt::format("cost model: {} must be an object with latency_us, per_peer_us, gbps", name));
  }
  for (const auto& [key, value] : object.items()) {
    std::string field = fmt::format("{}.{}", name, key);
    absl::Status status;
    if (key == "latency_us") {
      status = ReadRate(value, field, cost.latency_us, /*zero_allowed=*/true);
    } else if (key == "per_peer_us") {
      status = ReadRate(value, field, cost.per_peer_us, /*zero_allowed=*/true);
    } else if (key == "gbps") {
      status = ReadRate(value, field, cost.gbps, /*zero_allowed=*/false);
    } else {
      status = absl::InvalidArgumentError(fmt::format(
          "cost model: unknown field {} (known: latency_us, per_peer_us, gbps)", field));
    }
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// max(weight bytes over memory bandwidth, FLOPs over matrix throughput), in microseconds.
double GemmUs(const CostTable& table, double weight_bytes, double flops) {
  return std::max(weight_bytes / (table.hbm_gbps * 1e3), flops / (table.gemm_tflops * 1e6));
}

// `once`: an lsa_dispatch that sends rows once per rank (rank_dedup.h).
const CollectiveCost* CostOf(const CostTable& table, Collective collective, bool once) {
  switch (collective) {
    case Collective::kNone:
      return nullptr;
    case Collective::kNcclAllGather:
      return &table.nccl_all_gather;
    case Collective::kNcclAllReduce:
      return &table.nccl_all_reduce;
    case Collective::kNcclSendRecv:
      return &table.nccl_send_recv;
    case Collective::kLsaGather:
      return &table.lsa_gather;
    case Collective::kLsaDispatch:
      return once ? &table.lsa_dispatch_once : &table.lsa_dispatch;
  }
  return nullptr;
}

}  // namespace

CostTable DefaultH100CostTable() {
  return CostTable{
      .hbm_gbps = 2970,
      .gemm_tflops = 600,
      .layer_overhead_us = 2.0,
      .nccl_all_gather = {.latency_us = 16.0, .per_peer_us = 3.5, .gbps = 166},
      .nccl_all_reduce = {.latency_us = 32.0, .per_peer_us = 7.0, .gbps = 166},
      .nccl_send_recv = {.latency_us = 18.6, .per_peer_us = 1.4, .gbps = 217},
      .lsa_gather = {.latency_us = 9.7, .per_peer_us = 0, .gbps = 257},
      .lsa_dispatch = {.latency_us = 7.36, .per_peer_us = 0, .gbps = 300},
      .lsa_dispatch_once = {.latency_us = 17.16, .per_peer_us = 1.0, .gbps = 733},
  };
}

absl::StatusOr<CostModel> CostModel::FromJson(std::string_view json_text) {
  Json root = Json::parse(json_text, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return absl::InvalidArgumentError("cost model: the file is not valid JSON");
  }
  if (!root.is_object()) return absl::InvalidArgumentError("cost model: expected a JSON object");
  CostTable table = DefaultH100CostTable();
  for (const auto& [key, value] : root.items()) {
    absl::Status status;
    if (key == "hbm_gbps") {
      status = ReadRate(value, key, table.hbm_gbps, /*zero_allowed=*/false);
    } else if (key == "gemm_tflops") {
      status = ReadRate(value, key, table.gemm_tflops, /*zero_allowed=*/false);
    } else if (key == "layer_overhead_us") {
      status = ReadRate(value, key, table.layer_overhead_us, /*zero_allowed=*/true);
    } else if (key == "nccl_all_gather") {
      status = ReadCollective(value, key, table.nccl_all_gather);
    } else if (key == "nccl_all_reduce") {
      status = ReadCollective(value, key, table.nccl_all_reduce);
    } else if (key == "nccl_send_recv") {
      status = ReadCollective(value, key, table.nccl_send_recv);
    } else if (key == "lsa_gather") {
      status = ReadCollective(value, key, table.lsa_gather);
    } else if (key == "lsa_dispatch") {
      status = ReadCollective(value, key, table.lsa_dispatch);
    } else if (key == "lsa_dispatch_once") {
      status = ReadCollective(value, key, table.lsa_dispatch_once);
    } else {
      status = absl::InvalidArgumentError(fmt::format(
          "cost model: unknown field {} (known: hbm_gbps, gemm_tflops, layer_overhead_us, "
          "nccl_all_gather, nccl_all_reduce, nccl_send_recv, lsa_gather, lsa_dispatch, "
          "lsa_dispatch_once)",
          key));
    }
    if (!status.ok()) return status;
  }
  return CostModel(table);
}

double CostModel::LayerUs(const ModelSpec& model, const ParallelConfig& config,
                          const LayerShape& shape, const LayerWork& work) const {
  const ModelDims& dims = model.dims;
  const MlaDims& mla = dims.attention;
  const double rows = static_cast<double>(work.gemm_rows);
  const double world = config.world;
  const double dtype = static_cast<double>(dims.dtype_bytes);
  const double hidden = static_cast<double>(dims.hidden);

  double compute_us = 0;
  switch (shape.kind) {
    case LayerKind::kEmbedding:
      compute_us = rows * static_cast<double>(model.row_bytes()) / (table_.hbm_gbps * 1e3);
      break;
    case LayerKind::kAttention: {
      double heads = static_cast<double>(mla.num_heads);
      double params =
          hidden * mla.q_lora_rank +
          static_cast<double>(mla.q_lora_rank) * heads *
              (mla.qk_nope_head_dim + mla.qk_rope_head_dim) +
          hidden * (mla.kv_lora_rank + mla.qk_rope_head_dim) +
          static_cast<double>(mla.kv_lora_rank) * heads * (mla.qk_nope_head_dim + mla.v_head_dim) +
          heads * mla.v_head_dim * hidden;
      compute_us = GemmUs(table_, params * dtype, 2 * rows * params);
      break;
    }
    case LayerKind::kDenseFfn: {
      double params = 3 * hidden * static_cast<double>(dims.dense_intermediate) / config.dense_tp;
      compute_us = GemmUs(table_, params * dtype, 2 * rows * params);
      break;
    }
    case LayerKind::kMoe: {
      double experts = static_cast<double>(dims.num_experts);
      double expert_params = 3 * hidden * static_cast<double>(dims.moe_intermediate);
      double replicated_params =
          expert_params * static_cast<double>(dims.num_shared_experts) + hidden * experts;
      compute_us = GemmUs(table_, replicated_params * dtype, 2 * rows * replicated_params);
      // Expected local experts that get at least one of the routed tokens' top-k choices.
      double routed = static_cast<double>(work.routed_tokens);
      double top_k = static_cast<double>(dims.top_k);
      double touched = experts / world * (1 - std::pow(1 - top_k / experts, routed));
      double assignments = routed * top_k / world;
      compute_us +=
          GemmUs(table_, touched * expert_params * dtype, 2 * assignments * expert_params);
      break;
    }
    case LayerKind::kLmHead: {
      double shards = config.lm_head == LmHeadMode::kTp ? world : 1;
      double params = static_cast<double>(dims.vocab) / shards * hidden;
      compute_us = GemmUs(table_, params * dtype, 2 * rows * params);
      break;
    }
  }

  double comm_us = 0;
  const bool once = work.dispatch_rows > AutoRankDedupRows(config.world, config.ep_capacity);
  if (const CollectiveCost* cost = CostOf(table_, shape.collective, once);
      cost && config.world > 1) {
    comm_us = cost->latency_us + cost->per_peer_us * (world - 2) +
              static_cast<double>(work.wire_bytes) / (cost->gbps * 1e3);
  }
  return compute_us + table_.layer_overhead_us + comm_us;
}

}  // namespace padgraph
