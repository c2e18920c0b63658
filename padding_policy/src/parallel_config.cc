// ParallelConfig names, defaults and validation.
#include "padgraph/padding_policy/parallel_config.h"

#include <string>
#include <vector>

#include "fmt/format.h"
#include "fmt/ranges.h"
#include "names.h"
#include "padgraph/padding_policy/buckets.h"

namespace padgraph {
namespace {

using padding_policy_internal::NameOf;
using padding_policy_internal::ParseName;

constexpr std::string_view kModeNames[] = {"dp", "tp"};
constexpr std::string_view kMoeNames[] = {"allgather", "a2a_padded", "a2a_ll"};
constexpr std::string_view kGatherNames[] = {"host", "lsa"};

}  // namespace

std::string_view DenseModeName(DenseMode mode) {
  return NameOf(mode, kModeNames);
}
std::string_view LmHeadModeName(LmHeadMode mode) {
  return NameOf(mode, kModeNames);
}
std::string_view MoeBackendName(MoeBackend backend) {
  return NameOf(backend, kMoeNames);
}
std::string_view GatherBackendName(GatherBackend backend) {
  return NameOf(backend, kGatherNames);
}

absl::StatusOr<LmHeadMode> ParseLmHeadMode(std::string_view text, std::string_view field) {
  return ParseName<LmHeadMode>(text, field, kModeNames);
}
absl::StatusOr<MoeBackend> ParseMoeBackend(std::string_view text, std::string_view field) {
  return ParseName<MoeBackend>(text, field, kMoeNames);
}
absl::StatusOr<GatherBackend> ParseGatherBackend(std::string_view text, std::string_view field) {
  return ParseName<GatherBackend>(text, field, kGatherNames);
}

std::vector<int> DefaultBuckets() {
  std::vector<int> buckets = {1, 2, 4, 8, 12};
  for (int size = 16; size <= 256; size += 8)
    buckets.push_back(size);
  return buckets;
}

absl::Status ValidateConfig(const ParallelConfig& config, const ModelSpec& model) {
  std::vector<std::string> problems;
  const ModelDims& dims = model.dims;
  if (config.world < 1 || config.world > kMaxWorld) {
    problems.push_back(fmt::format("world {} is out of range [1, {}]", config.world, kMaxWorld));
  }
  if (config.dp != config.world) {
    problems.push_back(
        fmt::format("dp {} is not supported: dp must equal world ({}) in this version", config.dp,
                    config.world));
  }
  if (config.dense_tp != 1 && config.dense_tp != config.world) {
    problems.push_back(
        fmt::format("dense_tp {} must be 1 or world ({})", config.dense_tp, config.world));
  }
  if (config.ep_capacity < 1 || config.ep_capacity > kMaxEpCapacity) {
    problems.push_back(
        fmt::format("ep_capacity {} is out of range [1, {}]", config.ep_capacity, kMaxEpCapacity));
  }
  absl::StatusOr<BucketTable> buckets = BucketTable::Create(config.buckets);
  if (!buckets.ok()) {
    problems.push_back(std::string(buckets.status().message()));
  } else if (config.moe_is_all_to_all() && config.ep_capacity >= 1 &&
             config.ep_capacity < buckets->smallest()) {
    problems.push_back(
        fmt::format("ep_capacity {} is below the smallest bucket {}, so no graph could be captured "
                    "for the {} backend",
                    config.ep_capacity, buckets->smallest(), MoeBackendName(config.moe)));
  }
  if (config.world >= 1 && dims.num_experts % config.world != 0) {
    problems.push_back(fmt::format(
        "world {} must divide model.num_experts {} (experts are spread over every rank)",
        config.world, dims.num_experts));
  }
  if (config.world > 1 && config.dense_tp == config.world && dims.first_moe_layer > 0 &&
      dims.dense_intermediate % config.world != 0) {
    problems.push_back(fmt::format("dense_tp {} must divide model.dense_intermediate {}",
                                   config.dense_tp, dims.dense_intermediate));
  }
  if (config.world > 1 && config.lm_head == LmHeadMode::kTp && dims.vocab % config.world != 0) {
    problems.push_back(fmt::format("lm_head tp over world {} must divide model.vocab {}",
                                   config.world, dims.vocab));
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(fmt::format("{}", fmt::join(problems, "; ")));
}

}  // namespace padgraph
