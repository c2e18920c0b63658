// The host backend end to end: the tiny preset over 1, 2, 4 and 8 rank threads, every policy
// against the float64 reference on seeded random distributions (idle ranks and eager steps
// included), and the byte counters against the bytes the router's real choices imply.
#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "padgraph/ep_backend/host_comm.h"
#include "padgraph/graph_runtime/host_runner.h"
#include "padgraph/model_stubs/host_decoder.h"
#include "padgraph/model_stubs/reference.h"
#include "padgraph/padding_policy/policy.h"

namespace padgraph {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kSeed = 7;
constexpr double kTolerance = 1e-9;  // float64 against float64: only summation order differs

ModelSpec Tiny() {
  return *ModelPreset("tiny");
}

ParallelConfig SmallConfig(int world, MoeBackend moe, bool tp, GatherBackend gather) {
  ParallelConfig config;
  config.world = config.dp = world;
  config.dense_tp = tp ? world : 1;
  config.lm_head = tp ? LmHeadMode::kTp : LmHeadMode::kDp;
  config.moe = moe;
  config.gather_backend = gather;
  config.buckets = {1, 2, 4, 8, 16, 24, 32};
  config.ep_capacity = 16;
  return config;
}

struct StepResult {
  std::vector<std::vector<double>> logits;  // per rank, [rows x vocab]
  std::vector<WireCounters> bytes;          // per rank, this step's
  std::vector<StepPlan> plans;              // per rank, the policy's plan of this step
  std::vector<StepMode> modes;
};

// W rank threads, each with its decoder and runner, stepping through `steps` together.
std::vector<StepResult> RunSteps(const ParallelConfig& config, PolicyKind kind,
                                 const std::vector<std::vector<std::vector<int>>>& steps,
                                 const StubWeights& weights) {
  HostWorld world(config.world);
  std::vector<StepResult> results(steps.size());
  for (StepResult& result : results) {
    result.logits.resize(config.world);
    result.bytes.resize(config.world);
    result.plans.resize(config.world);
    result.modes.resize(config.world);
  }
  std::vector<std::thread> threads;
  for (int rank = 0; rank < config.world; ++rank) {
    threads.emplace_back([&, rank] {
      auto decoder = HostDecoder::Create(weights, config, rank, &world);
      ASSERT_TRUE(decoder.ok()) << decoder.status();
      auto policy = MakePolicy(kind, weights.model(), config);
      ASSERT_TRUE(policy.ok()) << policy.status();
      auto planner = MakePolicy(kind, weights.model(), config);
      const std::vector<int>* tokens = nullptr;
      auto runner = HostGraphRunner::Create(
          *std::move(policy),
          [&](const HostForwardArgs& args) { return (*decoder)->Forward(args); },
          [&](const StageArgs& args) { return (*decoder)->Stage(args, *tokens); });
      ASSERT_TRUE(runner.ok()) << runner.status();
      ASSERT_TRUE((*runner)->Capture().ok());
      for (size_t step = 0; step < steps.size(); ++step) {
        tokens = &steps[step][rank];
        std::vector<int> counts;
        for (const auto& rank_tokens : steps[step])
          counts.push_back(rank_tokens.size());
        StepShape shape{.rank = rank,
                        .local_tokens = static_cast<int>(tokens->size()),
                        .agreed_tokens = counts};
        WireCounters before = world.counters(rank);
        absl::Status status = (*runner)->Step(shape);
        ASSERT_TRUE(status.ok()) << "rank " << rank << " step " << step << ": " << status;
        WireCounters after = world.counters(rank);
        StepResult& result = results[step];
        result.bytes[rank] = {after.moe_real_bytes - before.moe_real_bytes,
                              after.moe_padded_bytes - before.moe_padded_bytes,
                              after.gather_real_bytes - before.gather_real_bytes,
                              after.gather_padded_bytes - before.gather_padded_bytes};
        absl::Span<const double> logits = (*decoder)->logits(shape.local_tokens);
        result.logits[rank].assign(logits.begin(), logits.end());
        result.plans[rank] = *PlanStep(**planner, shape);
        result.modes[rank] = (*runner)->stats().last_mode;
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  return results;
}

// Random counts per rank: idle ranks, small batches, and now and then one past ep_capacity.
std::vector<std::vector<std::vector<int>>> RandomSteps(int world, int count, std::mt19937& rng,
                                                       int vocab) {
  std::vector<std::vector<std::vector<int>>> steps(count);
  for (auto& step : steps) {
    step.resize(world);
    for (auto& tokens : step) {
      int n = 0;
      double pick = std::uniform_real_distribution<double>(0, 1)(rng);
      if (pick < 0.3) {
        n = 0;
      } else if (pick < 0.95) {
        n = std::uniform_int_distribution<int>(1, 6)(rng);
      } else {
        n = std::uniform_int_distribution<int>(17, 40)(rng);  // eager: past ep_capacity 16
      }
      for (int i = 0; i < n; ++i) {
        tokens.push_back(std::uniform_int_distribution<int>(0, vocab - 1)(rng));
      }
    }
  }
  return steps;
}

class ReferenceCache {
 public:
  explicit ReferenceCache(const StubWeights& weights)
      : reference_(*ReferenceModel::Create(weights)) {}
  const std::vector<double>& Logits(int token) {
    auto it = logits_.find(token);
    if (it == logits_.end()) it = logits_.emplace(token, reference_.Logits(token)).first;
    return it->second;
  }
  const std::vector<std::vector<int>>& Routing(int token) {
    auto it = routing_.find(token);
    if (it == routing_.end()) it = routing_.emplace(token, reference_.Routing(token)).first;
    return it->second;
  }

 private:
  ReferenceModel reference_;
  std::map<int, std::vector<double>> logits_;
  std::map<int, std::vector<std::vector<int>>> routing_;
};

// The a2a_ll bytes rank r's rows must have put on the wire: one row out and one back for each
// (token, expert) pair whose expert lives on another rank, per MoE layer.
int64_t ExpectedDispatchBytes(const ModelSpec& model, int world, int rank,
                              const std::vector<int>& tokens, ReferenceCache& reference) {
  const int per_rank = static_cast<int>(model.dims.num_experts / world);
  int64_t pairs = 0;
  for (int token : tokens) {
    for (const std::vector<int>& layer : reference.Routing(token)) {
      for (int expert : layer)
        pairs += expert / per_rank != rank;
    }
  }
  return 2 * pairs * model.row_bytes();
}

struct Scenario {
  std::string name;
  MoeBackend moe;
  bool tp;
  GatherBackend gather;
};

class HostDecodeTest : public ::testing::TestWithParam<int> {};

TEST_P(HostDecodeTest, EveryPolicyMatchesTheReference) {
  const int world = GetParam();
  const ModelSpec model = Tiny();
  const StubWeights weights(model, kSeed);
  ReferenceCache reference(weights);
  std::mt19937 rng(1000 + world);
  const std::vector<Scenario> scenarios = {
      {"a2a_ll", MoeBackend::kA2aLl, false, GatherBackend::kHost},
      {"a2a_ll + lsa TP", MoeBackend::kA2aLl, true, GatherBackend::kLsa},
      {"a2a_padded + host TP", MoeBackend::kA2aPadded, true, GatherBackend::kHost},
      {"allgather + host TP", MoeBackend::kAllGather, true, GatherBackend::kHost},
  };
  const int steps_per_scenario = world == 8 ? 40 : 70;
  int distributions = 0, rows_checked = 0, eager_steps = 0;
  double dispatch_actual = 0, dispatch_planned = 0;
  for (const Scenario& scenario : scenarios) {
    ParallelConfig config = SmallConfig(world, scenario.moe, scenario.tp, scenario.gather);
    auto steps = RandomSteps(world, steps_per_scenario, rng, static_cast<int>(model.dims.vocab));
    distributions += steps_per_scenario;
    for (PolicyKind kind : kAllPolicies) {
      if (!Validate(config, kind, model).ok()) continue;
      SCOPED_TRACE(scenario.name + ", policy " + std::string(PolicyKindName(kind)));
      std::vector<StepResult> results = RunSteps(config, kind, steps, weights);
      if (::testing::Test::HasFatalFailure()) return;
      for (size_t step = 0; step < steps.size(); ++step) {
        const StepResult& result = results[step];
        eager_steps += result.modes[0] == StepMode::kEager;
        for (int rank = 0; rank < world; ++rank) {
          const std::vector<int>& tokens = steps[step][rank];
          // Rule 2: every real row equals the unpadded reference.
          for (size_t row = 0; row < tokens.size(); ++row) {
            const std::vector<double>& expected = reference.Logits(tokens[row]);
            double scale = 0, error = 0;
            for (size_t v = 0; v < expected.size(); ++v) {
              double got = result.logits[rank][row * expected.size() + v];
              scale = std::max(scale, std::abs(expected[v]));
              error = std::max(error, std::isnan(got) ? INFINITY : std::abs(got - expected[v]));
            }
            ASSERT_LE(error, kTolerance * scale)
                << "step " << step << " rank " << rank << " row " << row;
            ++rows_checked;
          }
          // Counted bytes: the gathers and the padded backends move what the plan says; a2a_ll
          // moves one row per off-rank (token, expert) pair of the router's real choices.
          const StepPlan& plan = result.plans[rank];
          const WireCounters& bytes = result.bytes[rank];
          int64_t moe_plan = 0, moe_plan_padded = 0, gather_plan = 0, gather_plan_padded = 0;
          for (const LayerPlan& layer : plan.layers) {
            bool moe = layer.shape.kind == LayerKind::kMoe;
            (moe ? moe_plan : gather_plan) += layer.wire_bytes;
            (moe ? moe_plan_padded : gather_plan_padded) += layer.padded_wire_bytes;
          }
          EXPECT_EQ(bytes.gather_real_bytes + bytes.gather_padded_bytes, gather_plan);
          EXPECT_EQ(bytes.gather_padded_bytes, gather_plan_padded);
          const bool dispatch = config.moe == MoeBackend::kA2aLl && world > 1;
          if (!dispatch) {
            EXPECT_EQ(bytes.moe_real_bytes + bytes.moe_padded_bytes, moe_plan);
            EXPECT_EQ(bytes.moe_padded_bytes, moe_plan_padded);
          } else {
            EXPECT_EQ(bytes.moe_real_bytes,
                      ExpectedDispatchBytes(model, world, rank, tokens, reference));
            if (kind != PolicyKind::kSum) {
              EXPECT_EQ(bytes.moe_padded_bytes, 0);
              dispatch_actual += bytes.moe_real_bytes;
              dispatch_planned += moe_plan;
            }
          }
        }
      }
    }
  }
  EXPECT_GE(distributions, world == 8 ? 160 : 280);
  EXPECT_GT(rows_checked, 1000);
  EXPECT_GT(eager_steps, 0);
  if (dispatch_planned > 0) {
    // The plan's uniform-routing estimate against the average of what really moved.
    EXPECT_NEAR(dispatch_actual / dispatch_planned, 1.0, 0.3);
  }
}

INSTANTIATE_TEST_SUITE_P(Ranks, HostDecodeTest, ::testing::Values(1, 2, 4, 8),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::to_string(info.param) + "ranks";
                         });

TEST(HostDecodeMismatchTest, RanksOnDifferentKeysWithHostCollectivesFailFast) {
  // Rank 0 runs max, rank 1 sum on a host-gather config: their graphs hold
  // different host-API collectives, which the host communicator refuses (rule 1).
  const ModelSpec model = Tiny();
  const StubWeights weights(model, kSeed);
  ParallelConfig config = SmallConfig(2, MoeBackend::kA2aPadded, true, GatherBackend::kHost);
  HostWorld world(2, absl::Seconds(10));
  std::vector<absl::Status> status(2);
  std::vector<std::thread> threads;
  for (int rank = 0; rank < 2; ++rank) {
    threads.emplace_back([&, rank] {
      auto decoder = *HostDecoder::Create(weights, config, rank, &world);
      auto policy = *MakePolicy(rank == 0 ? PolicyKind::kMax : PolicyKind::kSum, model, config);
      std::vector<int> tokens = rank == 0 ? std::vector<int>{1, 2, 3} : std::vector<int>{4};
      auto runner = *HostGraphRunner::Create(
          std::move(policy), [&](const HostForwardArgs& a) { return decoder->Forward(a); },
          [&](const StageArgs& a) { return decoder->Stage(a, tokens); });
      status[rank] = runner->Capture();
      if (!status[rank].ok()) return;
      std::vector<int> counts = {3, 1};
      status[rank] = runner->Step(
          {.rank = rank, .local_tokens = static_cast<int>(tokens.size()), .agreed_tokens = counts});
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  for (const absl::Status& s : status) {
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr("collective mismatch"));
  }
}

TEST(HostRunnerTest, EagerStepsLaunchNoGraph) {
  const ModelSpec model = Tiny();
  const StubWeights weights(model, kSeed);
  ParallelConfig config = SmallConfig(1, MoeBackend::kA2aLl, false, GatherBackend::kHost);
  HostWorld world(1);
  auto decoder = *HostDecoder::Create(weights, config, 0, &world);
  std::vector<int> tokens;
  auto runner = *HostGraphRunner::Create(
      *MakePolicy(PolicyKind::kLocal, model, config),
      [&](const HostForwardArgs& a) { return decoder->Forward(a); },
      [&](const StageArgs& a) { return decoder->Stage(a, tokens); });
  ASSERT_TRUE(runner->Capture().ok());
  EXPECT_EQ(runner->graph_count(), 5u);  // buckets 1, 2, 4, 8, 16 fit ep_capacity 16
  tokens.assign(40, 5);
  std::vector<int> counts = {40};
  ASSERT_TRUE(runner->Step({.rank = 0, .local_tokens = 40, .agreed_tokens = counts}).ok());
  EXPECT_EQ(runner->stats().graph_launches, 0);
  EXPECT_EQ(runner->stats().eager_steps, 1);
  EXPECT_EQ(runner->stats().eager_chunks, 3);  // ceil(40 / 16)
  tokens.assign(3, 5);
  counts = {3};
  ASSERT_TRUE(runner->Step({.rank = 0, .local_tokens = 3, .agreed_tokens = counts}).ok());
  EXPECT_EQ(runner->stats().graph_launches, 1);
  EXPECT_EQ(runner->stats().last_key.local_bucket, 4);
  // Without the agreed vector a count past ep_capacity cannot go eager alone.
  tokens.assign(40, 5);
  EXPECT_EQ(runner->Step({.rank = 0, .local_tokens = 40}).code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace padgraph
