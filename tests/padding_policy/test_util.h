// Helpers shared by the padding_policy tests: configs and per-rank planning over a token vector.
#pragma once

#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "padgraph/padding_policy/policy.h"

namespace padgraph::testing {

inline ModelSpec Preset(std::string_view name) {
  absl::StatusOr<ModelSpec> model = ModelPreset(name);
  EXPECT_TRUE(model.ok()) << model.status();
  return *model;
}

// Tokens `first` on ranks [0, world/2) and `second` on the rest.
inline std::vector<int> Split(int world, int first, int second) {
  std::vector<int> tokens(world, second);
  for (int r = 0; r < world / 2; ++r)
    tokens[r] = first;
  return tokens;
}

inline ParallelConfig Config(int world, MoeBackend moe, int dense_tp = 1,
                             LmHeadMode lm_head = LmHeadMode::kDp,
                             GatherBackend gather = GatherBackend::kHost) {
  ParallelConfig config;
  config.world = world;
  config.dp = world;
  config.dense_tp = dense_tp;
  config.lm_head = lm_head;
  config.moe = moe;
  config.gather_backend = gather;
  return config;
}

// Every rank's plan, each planned with the full vector as the agreed one.
inline std::vector<StepPlan> PlanAllRanks(const Policy& policy, const std::vector<int>& tokens,
                                          const CostModel& cost = CostModel()) {
  std::vector<StepPlan> plans;
  for (int rank = 0; rank < static_cast<int>(tokens.size()); ++rank) {
    absl::StatusOr<StepPlan> plan = PlanStep(
        policy, {.rank = rank, .local_tokens = tokens[rank], .agreed_tokens = tokens}, cost);
    EXPECT_TRUE(plan.ok()) << "rank " << rank << ": " << plan.status();
    if (plan.ok()) plans.push_back(*std::move(plan));
  }
  return plans;
}

inline std::unique_ptr<Policy> MustMake(PolicyKind kind, const ModelSpec& model,
                                        const ParallelConfig& config) {
  absl::StatusOr<std::unique_ptr<Policy>> policy = MakePolicy(kind, model, config);
  EXPECT_TRUE(policy.ok()) << PolicyKindName(kind) << ": " << policy.status();
  return policy.ok() ? *std::move(policy) : nullptr;
}

inline int64_t MoeBytes(const StepPlan& plan, bool padded_only) {
  int64_t total = 0;
  for (const LayerPlan& layer : plan.layers) {
    if (layer.shape.kind == LayerKind::kMoe) {
      total += padded_only ? layer.padded_wire_bytes : layer.wire_bytes;
    }
  }
  return total;
}

}  // namespace padgraph::testing
