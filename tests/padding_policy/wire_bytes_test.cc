// Wire bytes against the formulas of policy.h, Note [Wire bytes], worked by hand. DeepSeek-V3
// (row 7168 x 2 = 14336 bytes, top-8, vocab 129280) over 4 ranks with counts 5, 0, 3, 7:
// sum 15 -> bucket 16, max 7 -> bucket 8.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace padgraph {
namespace {

using testing::Config;
using testing::MustMake;
using testing::PlanAllRanks;
using testing::Preset;

constexpr int64_t kRow = 14336;
constexpr int64_t kLogits = 129280 / 4 * 4;  // one rank's fp32 vocab shard per row

struct Row {
  std::string what;
  ParallelConfig config;
  PolicyKind policy;
  int rank;
  LayerKind layer;
  int64_t wire_bytes;
  int64_t padded_wire_bytes;
};

TEST(WireBytesTest, MatchTheFormulas) {
  ModelSpec model = Preset("deepseek-v3");
  const std::vector<int> tokens = {5, 0, 3, 7};
  const ParallelConfig a2a_ll = Config(4, MoeBackend::kA2aLl);
  const ParallelConfig a2a_padded = Config(4, MoeBackend::kA2aPadded);
  const ParallelConfig host_tp = Config(4, MoeBackend::kA2aLl, 4, LmHeadMode::kTp);
  const ParallelConfig lsa_tp =
      Config(4, MoeBackend::kA2aLl, 4, LmHeadMode::kTp, GatherBackend::kLsa);
  const std::vector<Row> rows = {
      // lsa_dispatch: 2 x n x k x (W-1)/W x row, real rows only.
      {"a2a_ll local", a2a_ll, PolicyKind::kLocal, 0, LayerKind::kMoe, 2 * 5 * 8 * 3 * kRow / 4, 0},
      {"a2a_ll max", a2a_ll, PolicyKind::kMax, 3, LayerKind::kMoe, 2 * 7 * 8 * 3 * kRow / 4, 0},
      {"a2a_ll idle rank", a2a_ll, PolicyKind::kLocal, 1, LayerKind::kMoe, 0, 0},
      // ... except under sum, which sends bucket(sum n) rows.
      {"a2a_ll sum", a2a_ll, PolicyKind::kSum, 0, LayerKind::kMoe, 2 * 16 * 8 * 3 * kRow / 4,
       2 * 11 * 8 * 3 * kRow / 4},
      // nccl_send_recv: 2 x (W-1) x bucket x row.
      {"a2a_padded max", a2a_padded, PolicyKind::kMax, 0, LayerKind::kMoe, 2 * 3 * 8 * kRow,
       2 * 3 * 3 * kRow},
      {"a2a_padded idle rank", a2a_padded, PolicyKind::kMax, 1, LayerKind::kMoe, 2 * 3 * 8 * kRow,
       2 * 3 * 8 * kRow},
      // nccl_all_gather: rows given plus rows got back, x (W-1).
      {"host dense TP max", host_tp, PolicyKind::kMax, 0, LayerKind::kDenseFfn, 2 * 3 * 8 * kRow,
       2 * 3 * 3 * kRow},
      {"host lm_head TP max", host_tp, PolicyKind::kMax, 0, LayerKind::kLmHead,
       3 * 8 * (kRow + kLogits), 3 * 3 * (kRow + kLogits)},
      {"allgather MoE max", Config(4, MoeBackend::kAllGather), PolicyKind::kMax, 2, LayerKind::kMoe,
       2 * 3 * 8 * kRow, 2 * 3 * 5 * kRow},
      // nccl_all_reduce: in and out, 2 x (W-1)/W x bucket(sum n) x row each; padding = B - N.
      {"host dense TP sum", host_tp, PolicyKind::kSum, 0, LayerKind::kDenseFfn,
       2 * (2 * 3 * 16 * kRow / 4), 2 * (2 * 3 * 1 * kRow / 4)},
      {"host lm_head TP sum", host_tp, PolicyKind::kSum, 0, LayerKind::kLmHead,
       2 * 3 * 16 * kRow / 4 + 3 * 16 * kLogits,
       (2 * 3 * 16 * kRow / 4 - 2 * 3 * 15 * kRow / 4) + 3 * 1 * kLogits},
      // lsa_gather: real rows only.
      {"lsa dense TP per_layer", lsa_tp, PolicyKind::kPerLayer, 0, LayerKind::kDenseFfn,
       2 * 3 * 5 * kRow, 0},
      {"lsa lm_head TP per_layer", lsa_tp, PolicyKind::kPerLayer, 0, LayerKind::kLmHead,
       3 * 5 * (kRow + kLogits), 0},
      {"lsa dense TP max", lsa_tp, PolicyKind::kMax, 2, LayerKind::kDenseFfn, 2 * 3 * 3 * kRow, 0},
      // Local layers never cross ranks.
      {"attention", host_tp, PolicyKind::kSum, 0, LayerKind::kAttention, 0, 0},
  };
  for (const Row& row : rows) {
    StepPlan plan = PlanAllRanks(*MustMake(row.policy, model, row.config), tokens)[row.rank];
    bool found = false;
    for (const LayerPlan& layer : plan.layers) {
      if (layer.shape.kind != row.layer) continue;
      found = true;
      EXPECT_EQ(layer.wire_bytes, row.wire_bytes) << row.what;
      EXPECT_EQ(layer.padded_wire_bytes, row.padded_wire_bytes) << row.what;
      break;
    }
    EXPECT_TRUE(found) << row.what;
  }
}

TEST(WireBytesTest, TotalsAreTheSumOfLayers) {
  ModelSpec model = Preset("deepseek-v3");
  StepPlan plan = PlanAllRanks(
      *MustMake(PolicyKind::kMax, model, Config(4, MoeBackend::kA2aPadded, 4, LmHeadMode::kTp)),
      {5, 0, 3, 7})[0];
  int64_t wire = 0, padded = 0;
  double us = 0;
  for (const LayerPlan& layer : plan.layers) {
    wire += layer.wire_bytes;
    padded += layer.padded_wire_bytes;
    us += layer.predicted_us;
  }
  EXPECT_EQ(plan.wire_bytes, wire);
  EXPECT_EQ(plan.padded_wire_bytes, padded);
  EXPECT_DOUBLE_EQ(plan.predicted_us, us);
  // 58 MoE layers, 3 dense, 1 lm_head, each with the bytes above.
  EXPECT_EQ(plan.wire_bytes,
            58 * (2 * 3 * 8 * kRow) + 3 * (2 * 3 * 8 * kRow) + 3 * 8 * (kRow + kLogits));
}

TEST(WireBytesTest, OneRankMovesNothing) {
  ModelSpec model = Preset("deepseek-v3");
  for (PolicyKind kind : kAllPolicies) {
    StepPlan plan = PlanAllRanks(*MustMake(kind, model, Config(1, MoeBackend::kA2aPadded)), {9})[0];
    EXPECT_EQ(plan.wire_bytes, 0) << PolicyKindName(kind);
    for (const LayerPlan& layer : plan.layers)
      EXPECT_EQ(layer.shape.collective, Collective::kNone);
  }
}

}  // namespace
}  // namespace padgraph
