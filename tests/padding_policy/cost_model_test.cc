// The cost model: defaults, JSON override and the direction of its predictions.
#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "padgraph/padding_policy/rank_dedup.h"
#include "test_util.h"

namespace padgraph {
namespace {

using testing::Config;
using ::testing::HasSubstr;
using testing::MustMake;
using testing::PlanAllRanks;
using testing::Preset;
using testing::Split;

double StepUs(const std::vector<StepPlan>& plans) {
  double slowest = 0;
  for (const StepPlan& plan : plans)
    slowest = std::max(slowest, plan.predicted_us);
  return slowest;
}

TEST(CostModelTest, JsonReplacesOnlyTheFieldsGiven) {
  absl::StatusOr<CostModel> model = CostModel::FromJson(
      R"({"hbm_gbps": 1000, "lsa_dispatch": {"latency_us": 3.5, "gbps": 300}})");
  ASSERT_TRUE(model.ok()) << model.status();
  CostTable defaults = DefaultH100CostTable();
  EXPECT_EQ(model->table().hbm_gbps, 1000);
  EXPECT_EQ(model->table().lsa_dispatch.latency_us, 3.5);
  EXPECT_EQ(model->table().lsa_dispatch.gbps, 300);
  EXPECT_EQ(model->table().lsa_dispatch.per_peer_us, defaults.lsa_dispatch.per_peer_us);
  EXPECT_EQ(model->table().gemm_tflops, defaults.gemm_tflops);
  EXPECT_EQ(model->table().nccl_send_recv.gbps, defaults.nccl_send_recv.gbps);
  EXPECT_EQ(model->table().lsa_dispatch_once.gbps, defaults.lsa_dispatch_once.gbps);
  absl::StatusOr<CostModel> once =
      CostModel::FromJson(R"({"lsa_dispatch_once": {"per_peer_us": 2}})");
  ASSERT_TRUE(once.ok()) << once.status();
  EXPECT_EQ(once->table().lsa_dispatch_once.per_peer_us, 2);
  EXPECT_EQ(once->table().lsa_dispatch_once.latency_us, defaults.lsa_dispatch_once.latency_us);
}

// rank_dedup.h: an lsa_dispatch carrying more rows than AutoRankDedupRows is priced as rows once
// per rank (lsa_dispatch_once), over the same bytes; at or below it as one copy per pair.
TEST(CostModelTest, DispatchAboveTheRankDedupRowsIsPricedAsRowsOncePerRank) {
  const ModelSpec model = Preset("deepseek-v3");
  const CostTable table = DefaultH100CostTable();
  const CostModel cost(table);
  const LayerShape shape{
      .kind = LayerKind::kMoe, .input_rows = 128, .collective = Collective::kLsaDispatch};
  for (const int world : {2, 4, 8}) {
    ParallelConfig config = Config(world, MoeBackend::kA2aLl);
    config.ep_capacity = 128;
    const int threshold = AutoRankDedupRows(world, config.ep_capacity);
    ASSERT_EQ(threshold, world == 2 ? 40 : 32);
    auto comm_us = [&](int rows) {
      // Bytes as the plan counts them (policy.h): one copy per (token, expert) pair.
      const int64_t bytes = 2LL * rows * model.dims.top_k * (world - 1) * model.row_bytes() / world;
      const LayerWork with{.gemm_rows = rows,
                           .routed_tokens = rows * world,
                           .wire_bytes = bytes,
                           .dispatch_rows = rows};
      LayerWork without = with;
      without.wire_bytes = 0;
      without.dispatch_rows = 0;
      return cost.LayerUs(model, config, shape, with) -
             cost.LayerUs(model, config, shape, without) + table.lsa_dispatch.latency_us;
    };
    auto priced = [&](const CollectiveCost& entry, int rows) {
      const double bytes = 2.0 * rows * model.dims.top_k * (world - 1) * model.row_bytes() / world;
      return entry.latency_us + entry.per_peer_us * (world - 2) + bytes / (entry.gbps * 1e3);
    };
    EXPECT_NEAR(comm_us(threshold), priced(table.lsa_dispatch, threshold), 1e-9) << world;
    EXPECT_NEAR(comm_us(threshold + 1), priced(table.lsa_dispatch_once, threshold + 1), 1e-9)
        << world;
    EXPECT_LT(comm_us(128), priced(table.lsa_dispatch, 128)) << world;
  }
  EXPECT_EQ(AutoRankDedupRows(1, 128), 128);  // no peer: never
}

TEST(CostModelTest, BadJsonNamesTheField) {
  struct Row {
    std::string json;
    std::string message;
  };
  for (const Row& row : std::vector<Row>{
           {"{", "not valid JSON"},
           {"[1]", "expected a JSON object"},
           {R"({"hbm": 1})", "unknown field hbm"},
           {R"({"hbm_gbps": 0})", "hbm_gbps 0 must be > 0"},
           {R"({"gemm_tflops": "fast"})", "gemm_tflops must be a number"},
           {R"({"nccl_send_recv": {"gbps": -1}})", "nccl_send_recv.gbps -1 must be > 0"},
           {R"({"lsa_gather": {"latency": 1}})", "unknown field lsa_gather.latency"},
           {R"({"lsa_gather": 4})", "lsa_gather must be an object"}}) {
    absl::StatusOr<CostModel> model = CostModel::FromJson(row.json);
    ASSERT_FALSE(model.ok()) << row.json;
    EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(model.status().message()), HasSubstr(row.message)) << row.json;
  }
}

TEST(CostModelTest, PaddingToTheSumCostsMoreThanPerLayerOnTheSeedScenario) {
  ModelSpec model = Preset("deepseek-v3");
  ParallelConfig config = Config(16, MoeBackend::kA2aLl);
  std::vector<int> tokens = Split(16, 8, 7);
  double sum = StepUs(PlanAllRanks(*MustMake(PolicyKind::kSum, model, config), tokens));
  double per_layer = StepUs(PlanAllRanks(*MustMake(PolicyKind::kPerLayer, model, config), tokens));
  EXPECT_GT(sum, per_layer);
  EXPECT_TRUE(std::isfinite(sum));
}

TEST(CostModelTest, FasterHardwarePredictsLess) {
  ModelSpec model = Preset("deepseek-v3");
  ParallelConfig config = Config(4, MoeBackend::kA2aPadded, 4, LmHeadMode::kTp);
  std::unique_ptr<Policy> max = MustMake(PolicyKind::kMax, model, config);
  const std::vector<int> tokens = {32, 1, 0, 17};
  CostTable faster = DefaultH100CostTable();
  faster.hbm_gbps *= 2;
  faster.nccl_send_recv.gbps *= 2;
  faster.nccl_all_gather.latency_us /= 2;
  EXPECT_LT(StepUs(PlanAllRanks(*max, tokens, CostModel(faster))),
            StepUs(PlanAllRanks(*max, tokens)));
}

TEST(CostModelTest, MaskedPaddedRowsRunNoExpertButSumsDo) {
  // a2a_padded sends max's padded rows but masks them; sum routes them to experts. With one busy
  // rank among idle ones, sum's routed rows (world x bucket(sum)) exceed max's real ones.
  ModelSpec model = Preset("deepseek-v3");
  ParallelConfig config = Config(8, MoeBackend::kA2aLl);
  std::vector<int> tokens(8, 0);
  tokens[0] = 1;
  auto moe_us = [&](PolicyKind kind) {
    for (const LayerPlan& layer : PlanAllRanks(*MustMake(kind, model, config), tokens)[1].layers) {
      if (layer.shape.kind == LayerKind::kMoe) return layer.predicted_us;
    }
    return 0.0;
  };
  // Both pick bucket 1, but sum stages the padded row as a real one on every rank.
  EXPECT_GT(moe_us(PolicyKind::kSum), moe_us(PolicyKind::kMax));
}

}  // namespace
}  // namespace padgraph
