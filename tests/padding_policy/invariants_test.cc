// Thousands of seeded random configs and token distributions, idle ranks and oversized counts
// included, against the invariants every plan must keep.
#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace padgraph {
namespace {

using testing::MustMake;
using testing::PlanAllRanks;
using testing::Preset;

constexpr int kCases = 3000;

struct Case {
  ModelSpec model;
  ParallelConfig config;
  std::vector<int> tokens;
};

Case RandomCase(std::mt19937& rng, const ModelSpec& tiny, const ModelSpec& deepseek) {
  auto pick = [&rng](auto... options) {
    std::vector values = {options...};
    return values[std::uniform_int_distribution<size_t>(0, values.size() - 1)(rng)];
  };
  auto chance = [&rng](double p) { return std::bernoulli_distribution(p)(rng); };
  Case c{.model = chance(0.2) ? deepseek : tiny, .config = {}, .tokens = {}};
  ParallelConfig& config = c.config;
  config.world = config.dp = pick(1, 2, 3, 4, 8, 16);
  if (c.model.dims.num_experts % config.world != 0) config.world = config.dp = 4;
  config.dense_tp = chance(0.5) ? config.world : 1;
  config.lm_head = chance(0.5) ? LmHeadMode::kTp : LmHeadMode::kDp;
  config.moe = pick(MoeBackend::kAllGather, MoeBackend::kA2aPadded, MoeBackend::kA2aLl);
  config.gather_backend = chance(0.5) ? GatherBackend::kLsa : GatherBackend::kHost;
  if (chance(0.5)) {
    config.buckets.clear();
    for (int size = 1; size <= 512; size += std::uniform_int_distribution<int>(1, 40)(rng)) {
      config.buckets.push_back(size);
    }
  }
  config.ep_capacity = std::max(config.buckets.front(), pick(8, 32, 64, 128, 256, 1024));
  const int largest = config.buckets.back();
  for (int r = 0; r < config.world; ++r) {
    if (chance(0.3)) {
      c.tokens.push_back(0);  // idle
    } else if (chance(0.05)) {
      c.tokens.push_back(std::uniform_int_distribution<int>(largest, 3 * largest)(rng));
    } else {
      c.tokens.push_back(std::uniform_int_distribution<int>(1, std::max(1, largest / 4))(rng));
    }
  }
  return c;
}

// The rows a layer's input must at least hold: this rank's, or every rank's for a gather.
int64_t RequiredRows(const LayerShape& shape, const std::vector<int>& tokens, int rank) {
  bool gathers = shape.collective == Collective::kNcclAllGather ||
                 shape.collective == Collective::kNcclAllReduce ||
                 shape.collective == Collective::kLsaGather;
  if (!gathers) return tokens[rank];
  int64_t sum = 0;
  for (int t : tokens)
    sum += t;
  return sum;
}

TEST(PlanInvariantsTest, HoldForRandomConfigsAndDistributions) {
  std::mt19937 rng(20261128);
  const ModelSpec tiny = Preset("tiny");
  const ModelSpec deepseek = Preset("deepseek-v3");
  int plans_checked = 0;
  int differing_keys = 0;
  int eager_steps = 0;
  for (int i = 0; i < kCases; ++i) {
    Case c = RandomCase(rng, tiny, deepseek);
    SCOPED_TRACE(::testing::Message()
                 << "case " << i << ": world " << c.config.world << " moe "
                 << MoeBackendName(c.config.moe) << " dense_tp " << c.config.dense_tp << " lm_head "
                 << LmHeadModeName(c.config.lm_head) << " gather "
                 << GatherBackendName(c.config.gather_backend));
    ASSERT_TRUE(ValidateConfig(c.config, c.model).ok()) << ValidateConfig(c.config, c.model);
    double auto_us = -1;
    double best_candidate_us = std::numeric_limits<double>::infinity();
    for (PolicyKind kind : kAllPolicies) {
      if (!Validate(c.config, kind, c.model).ok()) {
        EXPECT_EQ(kind, PolicyKind::kLocal) << "only local can be invalid for a valid config";
        continue;
      }
      std::unique_ptr<Policy> policy = MustMake(kind, c.model, c.config);
      std::vector<StepPlan> plans = PlanAllRanks(*policy, c.tokens);
      ASSERT_EQ(plans.size(), c.tokens.size()) << PolicyKindName(kind);
      std::vector<GraphKey> capture_keys = policy->CaptureKeys();

      std::set<StepMode> modes;
      std::set<int> chunks;
      bool any_host_api = false;
      std::vector<GraphKey> keys;
      double step_us = 0;
      for (const StepPlan& plan : plans) {
        modes.insert(plan.mode);
        chunks.insert(plan.eager_chunks);
        step_us = std::max(step_us, plan.predicted_us);
        EXPECT_EQ(plan.needs_agreement, policy->needs_agreement());
        if (plan.key) {
          keys.push_back(*plan.key);
          EXPECT_NE(std::find(capture_keys.begin(), capture_keys.end(), *plan.key),
                    capture_keys.end())
              << "selected a key the policy does not capture";
          if (c.config.moe != MoeBackend::kAllGather) {
            EXPECT_LE(plan.key->local_bucket, c.config.ep_capacity);
          }
        }
        ASSERT_EQ(plan.layers.size(), c.model.layers.size());
        for (const LayerPlan& layer : plan.layers) {
          const LayerShape& shape = layer.shape;
          EXPECT_GE(shape.input_rows, RequiredRows(shape, c.tokens, plan.rank))
              << LayerKindName(shape.kind);
          EXPECT_GE(layer.padded_wire_bytes, 0);
          EXPECT_LE(layer.padded_wire_bytes, layer.wire_bytes);
          if (shape.collective == Collective::kLsaGather) {
            EXPECT_EQ(layer.padded_wire_bytes, 0);
          }
          if (shape.collective == Collective::kLsaDispatch && kind != PolicyKind::kSum &&
              plan.planned_by != PolicyKind::kSum) {
            EXPECT_EQ(layer.padded_wire_bytes, 0);
          }
          if (plan.mode == StepMode::kEager) {
            EXPECT_EQ(layer.padded_wire_bytes, 0);
          }
          EXPECT_TRUE(std::isfinite(layer.predicted_us) && layer.predicted_us > 0);
          any_host_api |= IsHostApi(shape.collective);
        }
      }
      // Rule 4: eager on every rank or on none, with one chunk count.
      EXPECT_EQ(modes.size(), 1u) << PolicyKindName(kind);
      EXPECT_EQ(chunks.size(), 1u) << PolicyKindName(kind);
      if (*modes.begin() == StepMode::kEager) ++eager_steps;
      // Rule 1: keys may differ across ranks only when no host-API collective is in the graphs,
      // and a plan with host-API collectives in its graphs needs the agreed counts.
      bool keys_differ =
          std::adjacent_find(keys.begin(), keys.end(), std::not_equal_to<>()) != keys.end();
      if (keys_differ) {
        ++differing_keys;
        EXPECT_FALSE(any_host_api) << PolicyKindName(kind) << " lets ranks replay different "
                                   << "graphs with host-API collectives";
        // auto agrees on which policy to run, then may run one whose keys differ.
        if (kind != PolicyKind::kAuto) {
          EXPECT_FALSE(policy->needs_agreement());
        }
      }
      if (any_host_api && *modes.begin() == StepMode::kGraph) {
        EXPECT_TRUE(policy->needs_agreement()) << PolicyKindName(kind);
      }
      if (kind == PolicyKind::kAuto) {
        auto_us = step_us;
      } else {
        best_candidate_us = std::min(best_candidate_us, step_us);
      }
      plans_checked += static_cast<int>(plans.size());
    }
    // auto picks the candidate the cost model predicts fastest.
    EXPECT_LE(auto_us, best_candidate_us * (1 + 1e-9));
  }
  // The generator must reach the interesting cases.
  EXPECT_GT(plans_checked, 10 * kCases);
  EXPECT_GT(differing_keys, kCases / 20);
  EXPECT_GT(eager_steps, kCases / 50);
}

}  // namespace
}  // namespace padgraph
