// The cost model: defaults, JSON override and the direction of its predictions.
#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
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
