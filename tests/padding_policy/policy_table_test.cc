// The policies against DESIGN.md's tables: which bucket each rank replays, which gather layout,
// whether a policy is valid and whether it needs the agreed counts, eager steps and bad shapes.
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace padgraph {
namespace {

using testing::Config;
using ::testing::HasSubstr;
using testing::MoeBytes;
using testing::MustMake;
using testing::PlanAllRanks;
using testing::Preset;
using testing::Split;

// The seed scenario: DeepSeek-V3 over 16 ranks, 120 requests (8 on ranks 0-7, 7 on ranks 8-15).
TEST(SeedScenarioTest, LocalSendsNoPaddingAndSumSendsFifteenTimesMore) {
  ModelSpec model = Preset("deepseek-v3");
  ParallelConfig config = Config(16, MoeBackend::kA2aLl);
  std::vector<int> tokens = Split(16, 8, 7);
  ASSERT_TRUE(Validate(config, PolicyKind::kLocal, model).ok());
  std::vector<StepPlan> local = PlanAllRanks(*MustMake(PolicyKind::kLocal, model, config), tokens);
  std::vector<StepPlan> sum = PlanAllRanks(*MustMake(PolicyKind::kSum, model, config), tokens);
  ASSERT_EQ(local.size(), 16u);
  ASSERT_EQ(sum.size(), 16u);
  for (int rank = 0; rank < 16; ++rank) {
    EXPECT_EQ(local[rank].key->local_bucket, 8);
    EXPECT_EQ(sum[rank].key->local_bucket, 120);
    EXPECT_EQ(MoeBytes(local[rank], /*padded_only=*/true), 0);
    EXPECT_GT(MoeBytes(local[rank], false), 0);
    EXPECT_GE(MoeBytes(sum[rank], false), 14 * MoeBytes(local[rank], false)) << "rank " << rank;
  }
}

TEST(SeedScenarioTest, TpDenseAndLmHeadRuleOutLocalButNotPerLayer) {
  ModelSpec model = Preset("deepseek-v3");
  ParallelConfig config = Config(16, MoeBackend::kA2aLl, 16, LmHeadMode::kTp, GatherBackend::kLsa);
  absl::Status local = Validate(config, PolicyKind::kLocal, model);
  ASSERT_EQ(local.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(local.message()),
              HasSubstr("decoder layers 0-2 (dense_ffn, TP over 16 ranks) need every rank's "
                        "rows; policy local pads to the local bucket only"));
  EXPECT_THAT(std::string(local.message()),
              HasSubstr("lm_head (TP over 16 ranks) needs every rank's rows"));
  EXPECT_TRUE(Validate(config, PolicyKind::kMax, model).ok());
  EXPECT_TRUE(Validate(config, PolicyKind::kPerLayer, model).ok());

  // Uneven counts so the buckets differ: per_layer keeps each rank on bucket(n_r).
  std::vector<int> tokens = Split(16, 8, 7);
  tokens[3] = 1;
  tokens[12] = 0;
  tokens[15] = 30;
  std::unique_ptr<Policy> per_layer = MustMake(PolicyKind::kPerLayer, model, config);
  EXPECT_FALSE(per_layer->needs_agreement());
  std::vector<StepPlan> plans = PlanAllRanks(*per_layer, tokens);
  ASSERT_EQ(plans.size(), 16u);
  const std::vector<int> expected_bucket = {8, 8, 8, 1, 8, 8, 8, 8, 8, 8, 8, 8, 1, 8, 8, 32};
  for (int rank = 0; rank < 16; ++rank) {
    ASSERT_TRUE(plans[rank].key.has_value());
    EXPECT_EQ(plans[rank].key->local_bucket, expected_bucket[rank]) << "rank " << rank;
    EXPECT_EQ(plans[rank].key->gather_layout, GatherLayout::kDeviceCount);
    EXPECT_EQ(plans[rank].padded_wire_bytes, 0) << "rank " << rank;
    for (const LayerPlan& layer : plans[rank].layers)
      EXPECT_FALSE(IsHostApi(layer.shape.collective));
  }
  // max pads every rank to bucket(30) = 32.
  for (const StepPlan& plan : PlanAllRanks(*MustMake(PolicyKind::kMax, model, config), tokens)) {
    EXPECT_EQ(plan.key->local_bucket, 32);
  }
}

// DESIGN.md section 4 and rule 1: which configs `local` may run, and when per_layer must agree.
TEST(PolicyValidityTest, LocalAndPerLayerFollowTheCollectivesInTheGraph) {
  ModelSpec model = Preset("deepseek-v3");
  struct Row {
    ParallelConfig config;
    bool local_valid;
    std::string local_reason;
    bool per_layer_agrees;
  };
  const std::vector<Row> rows = {
      {Config(8, MoeBackend::kA2aLl), true, "", false},
      {Config(8, MoeBackend::kA2aPadded), false, "host-API NCCL send/recv inside the graph", true},
      {Config(8, MoeBackend::kAllGather), false,
       "decoder layers 3-60 (moe, allgather backend) need every rank's rows", true},
      {Config(8, MoeBackend::kA2aLl, 8), false, "decoder layers 0-2 (dense_ffn, TP over 8 ranks)",
       true},
      {Config(8, MoeBackend::kA2aLl, 8, LmHeadMode::kDp, GatherBackend::kLsa), false,
       "decoder layers 0-2 (dense_ffn, TP over 8 ranks)", false},
      {Config(8, MoeBackend::kA2aLl, 1, LmHeadMode::kTp), false, "lm_head (TP over 8 ranks)", true},
      {Config(8, MoeBackend::kA2aPadded, 8, LmHeadMode::kTp, GatherBackend::kLsa), false, "rule 1",
       true},
      // One rank: nothing crosses ranks, so nothing needs other ranks' rows.
      {Config(1, MoeBackend::kA2aPadded, 1, LmHeadMode::kTp), true, "", false},
  };
  for (const Row& row : rows) {
    absl::Status local = Validate(row.config, PolicyKind::kLocal, model);
    EXPECT_EQ(local.ok(), row.local_valid) << local;
    if (!row.local_valid) {
      EXPECT_THAT(std::string(local.message()), HasSubstr(row.local_reason));
    }
    for (PolicyKind kind :
         {PolicyKind::kSum, PolicyKind::kMax, PolicyKind::kPerLayer, PolicyKind::kAuto}) {
      EXPECT_TRUE(Validate(row.config, kind, model).ok()) << PolicyKindName(kind);
    }
    EXPECT_EQ(MustMake(PolicyKind::kPerLayer, model, row.config)->needs_agreement(),
              row.per_layer_agrees);
    EXPECT_TRUE(MustMake(PolicyKind::kSum, model, row.config)->needs_agreement());
    EXPECT_TRUE(MustMake(PolicyKind::kMax, model, row.config)->needs_agreement());
    EXPECT_TRUE(MustMake(PolicyKind::kAuto, model, row.config)->needs_agreement());
  }
}

// The key each policy selects, per DESIGN.md section 4's table. World 4, counts 3, 0, 9, 20:
// sum 32, max 20; bucket(32) = 32, bucket(20) = 24, and the local buckets 4, 1, 12, 24.
TEST(PolicyKeyTest, KeysFollowTheDesignTable) {
  ModelSpec model = Preset("deepseek-v3");
  const std::vector<int> tokens = {3, 0, 9, 20};
  struct Row {
    std::string what;
    ParallelConfig config;
    PolicyKind policy;
    std::vector<int> local_buckets;
    int gather_bucket;
    GatherLayout layout;
  };
  const ParallelConfig host_tp = Config(4, MoeBackend::kA2aPadded, 4, LmHeadMode::kTp);
  const ParallelConfig lsa_tp =
      Config(4, MoeBackend::kA2aLl, 4, LmHeadMode::kTp, GatherBackend::kLsa);
  const ParallelConfig plain = Config(4, MoeBackend::kA2aLl);
  const ParallelConfig allgather = Config(4, MoeBackend::kAllGather);
  const std::vector<Row> rows = {
      {"sum, host TP",
       host_tp,
       PolicyKind::kSum,
       {32, 32, 32, 32},
       32,
       GatherLayout::kAllReduceSum},
      {"max, host TP", host_tp, PolicyKind::kMax, {24, 24, 24, 24}, 24, GatherLayout::kAllGather},
      {"per_layer, host TP = max",
       host_tp,
       PolicyKind::kPerLayer,
       {24, 24, 24, 24},
       24,
       GatherLayout::kAllGather},
      {"sum, lsa TP", lsa_tp, PolicyKind::kSum, {32, 32, 32, 32}, 32, GatherLayout::kAllReduceSum},
      {"max, lsa TP", lsa_tp, PolicyKind::kMax, {24, 24, 24, 24}, 256, GatherLayout::kDeviceCount},
      {"per_layer, lsa TP",
       lsa_tp,
       PolicyKind::kPerLayer,
       {4, 1, 12, 24},
       256,
       GatherLayout::kDeviceCount},
      {"sum, no gathers", plain, PolicyKind::kSum, {32, 32, 32, 32}, 0, GatherLayout::kNone},
      {"max, no gathers", plain, PolicyKind::kMax, {24, 24, 24, 24}, 0, GatherLayout::kNone},
      {"local", plain, PolicyKind::kLocal, {4, 1, 12, 24}, 0, GatherLayout::kNone},
      {"per_layer, no gathers",
       plain,
       PolicyKind::kPerLayer,
       {4, 1, 12, 24},
       0,
       GatherLayout::kNone},
      {"max, allgather MoE",
       allgather,
       PolicyKind::kMax,
       {24, 24, 24, 24},
       24,
       GatherLayout::kAllGather},
      {"sum, allgather MoE",
       allgather,
       PolicyKind::kSum,
       {32, 32, 32, 32},
       32,
       GatherLayout::kAllReduceSum},
  };
  for (const Row& row : rows) {
    std::vector<StepPlan> plans = PlanAllRanks(*MustMake(row.policy, model, row.config), tokens);
    ASSERT_EQ(plans.size(), 4u) << row.what;
    for (int rank = 0; rank < 4; ++rank) {
      ASSERT_TRUE(plans[rank].key.has_value()) << row.what;
      EXPECT_EQ(plans[rank].mode, StepMode::kGraph);
      EXPECT_EQ(plans[rank].key->local_bucket, row.local_buckets[rank])
          << row.what << " rank " << rank;
      EXPECT_EQ(plans[rank].key->gather_bucket, row.gather_bucket) << row.what;
      EXPECT_EQ(plans[rank].key->gather_layout, row.layout) << row.what;
      EXPECT_EQ(plans[rank].key->moe, row.config.moe);
    }
  }
}

// Per-layer input rows and pad targets: attention local, gathers global, MoE local and masked.
TEST(PolicyKeyTest, LayerRowsFollowTheDesignTable) {
  ModelSpec model = Preset("deepseek-v3");
  const std::vector<int> tokens = {3, 0, 9, 20};
  auto plan_of = [&](PolicyKind kind, const ParallelConfig& config, int rank) {
    return PlanAllRanks(*MustMake(kind, model, config), tokens)[rank];
  };
  auto layer = [](const StepPlan& plan, LayerKind kind) {
    for (const LayerPlan& l : plan.layers) {
      if (l.shape.kind == kind) return l.shape;
    }
    return LayerShape{};
  };
  StepPlan max =
      plan_of(PolicyKind::kMax, Config(4, MoeBackend::kA2aPadded, 4, LmHeadMode::kTp), 0);
  EXPECT_EQ(layer(max, LayerKind::kAttention).input_rows, 24);
  EXPECT_EQ(layer(max, LayerKind::kAttention).pad_target, PadTarget::kGlobalMax);
  EXPECT_EQ(layer(max, LayerKind::kDenseFfn).input_rows, 4 * 24);
  EXPECT_EQ(layer(max, LayerKind::kDenseFfn).collective, Collective::kNcclAllGather);
  EXPECT_EQ(layer(max, LayerKind::kLmHead).input_rows, 4 * 24);
  EXPECT_EQ(layer(max, LayerKind::kMoe).collective, Collective::kNcclSendRecv);
  EXPECT_EQ(layer(max, LayerKind::kMoe).input_rows, 24);

  StepPlan sum = plan_of(PolicyKind::kSum, Config(4, MoeBackend::kA2aLl, 4), 1);
  EXPECT_EQ(layer(sum, LayerKind::kAttention).input_rows, 32);
  EXPECT_EQ(layer(sum, LayerKind::kDenseFfn).collective, Collective::kNcclAllReduce);
  EXPECT_EQ(layer(sum, LayerKind::kDenseFfn).input_rows, 32);
  EXPECT_EQ(layer(sum, LayerKind::kMoe).pad_target, PadTarget::kGlobalSum);
  EXPECT_TRUE(layer(sum, LayerKind::kMoe).padded_rows_sent);

  StepPlan per_layer =
      plan_of(PolicyKind::kPerLayer,
              Config(4, MoeBackend::kA2aLl, 4, LmHeadMode::kTp, GatherBackend::kLsa), 2);
  EXPECT_EQ(layer(per_layer, LayerKind::kAttention).input_rows, 12);
  EXPECT_EQ(layer(per_layer, LayerKind::kAttention).pad_target, PadTarget::kLocal);
  EXPECT_EQ(layer(per_layer, LayerKind::kDenseFfn).pad_target, PadTarget::kDeviceCount);
  EXPECT_EQ(layer(per_layer, LayerKind::kDenseFfn).input_rows, 4 * 256);
  EXPECT_EQ(layer(per_layer, LayerKind::kDenseFfn).collective, Collective::kLsaGather);
  EXPECT_EQ(layer(per_layer, LayerKind::kMoe).collective, Collective::kLsaDispatch);
  EXPECT_FALSE(layer(per_layer, LayerKind::kMoe).padded_rows_sent);
}

TEST(IdleRankTest, IdleRanksGetTheSmallestBucketNotAnError) {
  ModelSpec model = Preset("deepseek-v3");
  ParallelConfig config = Config(4, MoeBackend::kA2aLl);
  for (const std::vector<int>& tokens :
       {std::vector<int>{0, 0, 5, 0}, std::vector<int>{0, 0, 0, 0}}) {
    for (PolicyKind kind : kAllPolicies) {
      std::vector<StepPlan> plans = PlanAllRanks(*MustMake(kind, model, config), tokens);
      ASSERT_EQ(plans.size(), 4u);
      EXPECT_EQ(plans[0].mode, StepMode::kGraph) << PolicyKindName(kind);
      ASSERT_TRUE(plans[0].key.has_value());
      if (kind == PolicyKind::kLocal || kind == PolicyKind::kPerLayer) {
        EXPECT_EQ(plans[0].key->local_bucket, 1);
      }
    }
  }
  // Without the agreed vector too, for the policies that need none.
  std::unique_ptr<Policy> local = MustMake(PolicyKind::kLocal, model, config);
  absl::StatusOr<KeySelection> idle = local->SelectKey({.rank = 1, .local_tokens = 0});
  ASSERT_TRUE(idle.ok()) << idle.status();
  EXPECT_EQ(idle->key.local_bucket, 1);
}

TEST(EagerTest, PastTheLargestBucketEveryRankGoesEagerWithChunks) {
  ModelSpec model = Preset("deepseek-v3");
  const std::vector<int> tokens = {300, 1, 0, 2};
  for (MoeBackend moe : {MoeBackend::kA2aLl, MoeBackend::kA2aPadded, MoeBackend::kAllGather}) {
    for (PolicyKind kind : kAllPolicies) {
      ParallelConfig config = Config(4, moe);
      if (!Validate(config, kind, model).ok()) continue;
      std::vector<StepPlan> plans = PlanAllRanks(*MustMake(kind, model, config), tokens);
      ASSERT_EQ(plans.size(), 4u);
      for (const StepPlan& plan : plans) {
        EXPECT_EQ(plan.mode, StepMode::kEager) << PolicyKindName(kind);
        EXPECT_FALSE(plan.key.has_value());
        // ceil(300 / 128) chunks for the all-to-all backends; allgather is not chunked.
        EXPECT_EQ(plan.eager_chunks, moe == MoeBackend::kAllGather ? 1 : 3);
        EXPECT_THAT(plan.eager_reason, HasSubstr("past the largest bucket 256"));
        EXPECT_EQ(plan.padded_wire_bytes, 0);
        for (const LayerPlan& layer : plan.layers) {
          EXPECT_EQ(layer.shape.pad_target, PadTarget::kNone);
        }
      }
    }
  }
}

TEST(EagerTest, PastEpCapacityOnlyForAllToAllBackends) {
  ModelSpec model = Preset("deepseek-v3");
  const std::vector<int> tokens = {70, 1, 0, 2};  // bucket(70) = 72 > 64
  for (MoeBackend moe : {MoeBackend::kA2aLl, MoeBackend::kAllGather}) {
    ParallelConfig config = Config(4, moe);
    config.ep_capacity = 64;
    std::vector<StepPlan> plans = PlanAllRanks(*MustMake(PolicyKind::kMax, model, config), tokens);
    ASSERT_EQ(plans.size(), 4u);
    if (moe == MoeBackend::kAllGather) {
      EXPECT_EQ(plans[1].mode, StepMode::kGraph);
      EXPECT_EQ(plans[1].key->local_bucket, 72);
    } else {
      EXPECT_EQ(plans[1].mode, StepMode::kEager);
      EXPECT_EQ(plans[1].eager_chunks, 2);
      EXPECT_EQ(plans[1].eager_reason,
                "rank 0 has 70 tokens, whose bucket 72 is past ep_capacity 64");
    }
  }
}

TEST(EagerTest, SumGoesEagerOnTheSumAlone) {
  ModelSpec model = Preset("deepseek-v3");
  ParallelConfig config = Config(4, MoeBackend::kAllGather);
  const std::vector<int> tokens = {100, 100, 100, 100};
  StepPlan sum = PlanAllRanks(*MustMake(PolicyKind::kSum, model, config), tokens)[0];
  EXPECT_EQ(sum.mode, StepMode::kEager);
  EXPECT_EQ(sum.eager_reason, "the sum over ranks is 400 tokens, past the largest bucket 256");
  StepPlan max = PlanAllRanks(*MustMake(PolicyKind::kMax, model, config), tokens)[0];
  EXPECT_EQ(max.mode, StepMode::kGraph);
  EXPECT_EQ(max.key->local_bucket, 104);
}

TEST(EagerTest, WithoutTheAgreedVectorAnOversizedCountIsFailedPrecondition) {
  ModelSpec model = Preset("deepseek-v3");
  ParallelConfig config = Config(4, MoeBackend::kA2aLl);
  std::unique_ptr<Policy> local = MustMake(PolicyKind::kLocal, model, config);
  absl::StatusOr<KeySelection> past_bucket = local->SelectKey({.rank = 2, .local_tokens = 300});
  EXPECT_EQ(past_bucket.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(past_bucket.status().message()), HasSubstr("largest bucket 256"));
  absl::StatusOr<KeySelection> past_capacity = local->SelectKey({.rank = 2, .local_tokens = 130});
  EXPECT_EQ(past_capacity.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(past_capacity.status().message()), HasSubstr("ep_capacity 128"));
  // A policy that needs agreement says so.
  absl::StatusOr<KeySelection> max =
      MustMake(PolicyKind::kMax, model, config)->SelectKey({.rank = 0, .local_tokens = 3});
  EXPECT_EQ(max.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(max.status().message()), HasSubstr("needs step_shape.agreed_tokens"));
}

TEST(StepShapeTest, BadShapesNameTheField) {
  ModelSpec model = Preset("tiny");
  std::unique_ptr<Policy> local =
      MustMake(PolicyKind::kLocal, model, Config(4, MoeBackend::kA2aLl));
  const std::vector<int> three = {1, 2, 3};
  const std::vector<int> negative = {1, -2, 3, 4};
  const std::vector<int> four = {1, 2, 3, 4};
  struct Row {
    StepShape shape;
    std::string message;
  };
  for (const Row& row : std::vector<Row>{
           {{.rank = 4, .local_tokens = 1}, "step_shape.rank 4 is out of range [0, 4)"},
           {{.rank = -1, .local_tokens = 1}, "step_shape.rank -1"},
           {{.rank = 0, .local_tokens = -3}, "step_shape.local_tokens -3 must be >= 0"},
           {{.rank = 0, .local_tokens = 1, .agreed_tokens = three},
            "step_shape.agreed_tokens has 3 entries; world is 4"},
           {{.rank = 0, .local_tokens = 1, .agreed_tokens = negative},
            "step_shape.agreed_tokens[1] -2 must be >= 0"},
           {{.rank = 2, .local_tokens = 5, .agreed_tokens = four},
            "step_shape.agreed_tokens[2] 3 differs from step_shape.local_tokens 5"}}) {
    absl::StatusOr<KeySelection> selection = local->SelectKey(row.shape);
    ASSERT_FALSE(selection.ok()) << row.message;
    EXPECT_EQ(selection.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(selection.status().message()), HasSubstr(row.message));
  }
}

TEST(CaptureKeysTest, LargestFirstAndWithinEpCapacity) {
  ModelSpec model = Preset("deepseek-v3");
  ParallelConfig config = Config(4, MoeBackend::kA2aLl);
  config.ep_capacity = 64;
  for (PolicyKind kind : kAllPolicies) {
    std::unique_ptr<Policy> policy = MustMake(kind, model, config);
    std::vector<GraphKey> keys = policy->CaptureKeys();
    ASSERT_FALSE(keys.empty());
    EXPECT_EQ(keys.front().local_bucket, 64) << PolicyKindName(kind);
    EXPECT_EQ(keys.back().local_bucket, 1);
    EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end(), CapturesBefore));
    for (const GraphKey& key : keys) {
      absl::StatusOr<KeyPlan> plan = policy->Plan(key);
      ASSERT_TRUE(plan.ok()) << plan.status();
      EXPECT_EQ(plan->layers.size(), model.layers.size());
    }
  }
  // allgather's buffers are not bounded by ep_capacity: every bucket is captured.
  config.moe = MoeBackend::kAllGather;
  EXPECT_EQ(MustMake(PolicyKind::kMax, model, config)->CaptureKeys().size(),
            DefaultBuckets().size());
}

TEST(CaptureKeysTest, PlanRejectsAKeyThePolicyNeverSelects) {
  ModelSpec model = Preset("deepseek-v3");
  std::unique_ptr<Policy> max = MustMake(PolicyKind::kMax, model, Config(4, MoeBackend::kA2aLl));
  for (GraphKey key : {GraphKey{.local_bucket = 7, .moe = MoeBackend::kA2aLl},
                       GraphKey{.local_bucket = 8, .moe = MoeBackend::kA2aPadded},
                       GraphKey{.local_bucket = 8,
                       .gather_bucket = 8,
                       .gather_layout = GatherLayout::kAllGather,
                       .moe = MoeBackend::kA2aLl}}) {
    absl::StatusOr<KeyPlan> plan = max->Plan(key);
    EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument) << GraphKeyString(key);
  }
}

TEST(AutoTest, ChoosesPerLayerForTheSeedScenarioAndNeedsTheAgreedVector) {
  ModelSpec model = Preset("deepseek-v3");
  ParallelConfig config = Config(16, MoeBackend::kA2aLl);
  std::unique_ptr<Policy> automatic = MustMake(PolicyKind::kAuto, model, config);
  std::vector<StepPlan> plans = PlanAllRanks(*automatic, Split(16, 8, 7));
  ASSERT_EQ(plans.size(), 16u);
  for (const StepPlan& plan : plans) {
    EXPECT_EQ(plan.policy, PolicyKind::kAuto);
    EXPECT_EQ(plan.planned_by, PolicyKind::kPerLayer);
    EXPECT_EQ(plan.key->local_bucket, 8);
  }
  EXPECT_EQ(automatic->SelectKey({.rank = 0, .local_tokens = 8}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(AutoTest, KeysSharedBySumAndLocalPlanByTheChosenPolicy) {
  // 8 ranks of 1 token: sum picks bucket(8) = 8 and local bucket(1) = 1; a rank of 8 tokens under
  // local shares sum's key, but its plan sends no padded rows.
  ModelSpec model = Preset("tiny");
  ParallelConfig config = Config(8, MoeBackend::kA2aLl);
  std::unique_ptr<Policy> sum = MustMake(PolicyKind::kSum, model, config);
  std::unique_ptr<Policy> local = MustMake(PolicyKind::kLocal, model, config);
  StepPlan by_sum = PlanAllRanks(*sum, std::vector<int>(8, 1))[0];
  std::vector<int> tokens(8, 1);
  tokens[0] = 8;
  StepPlan by_local = PlanAllRanks(*local, tokens)[0];
  ASSERT_EQ(by_sum.key, by_local.key);
  EXPECT_GT(by_sum.padded_wire_bytes, 0);
  EXPECT_EQ(by_local.padded_wire_bytes, 0);
}

}  // namespace
}  // namespace padgraph

namespace padgraph {
namespace {

TEST(EagerChunksTest, ChunksOfEpCapacityForAllToAllAndOneForAllGather) {
  ModelSpec model = testing::Preset("deepseek-v3");
  const std::vector<int> tokens = {300, 1, 0, 130};
  struct Row {
    MoeBackend moe;
    std::vector<int> begins;
    std::vector<std::vector<int>> counts;
  };
  for (const Row& row : std::vector<Row>{
           {MoeBackend::kA2aLl, {0, 128, 256}, {{128, 1, 0, 128}, {128, 0, 0, 2}, {44, 0, 0, 0}}},
           {MoeBackend::kAllGather, {0}, {{300, 1, 0, 130}}}}) {
    ParallelConfig config = testing::Config(4, row.moe);
    auto policy = testing::MustMake(PolicyKind::kMax, model, config);
    absl::StatusOr<KeySelection> selection =
        policy->SelectKey({.rank = 1, .local_tokens = 1, .agreed_tokens = tokens});
    ASSERT_TRUE(selection.ok());
    ASSERT_EQ(selection->mode, StepMode::kEager);
    std::vector<EagerChunk> chunks = EagerChunks(config, *selection, tokens);
    ASSERT_EQ(chunks.size(), row.begins.size()) << MoeBackendName(row.moe);
    int64_t rows = 0;
    for (size_t c = 0; c < chunks.size(); ++c) {
      EXPECT_EQ(chunks[c].begin, row.begins[c]);
      EXPECT_EQ(chunks[c].counts, row.counts[c]);
      rows += chunks[c].total_rows;
    }
    EXPECT_EQ(rows, 300 + 1 + 130);  // every real row runs exactly once
  }
}

}  // namespace
}  // namespace padgraph
