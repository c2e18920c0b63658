// Presets, buckets, ParallelConfig validation and names.
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "padgraph/padding_policy/buckets.h"
#include "padgraph/padding_policy/parallel_config.h"
#include "test_util.h"

namespace padgraph {
namespace {

using testing::Config;
using ::testing::HasSubstr;
using testing::Preset;

TEST(ModelPresetTest, DeepSeekV3LayerList) {
  ModelSpec model = Preset("deepseek-v3");
  ASSERT_EQ(model.layers.size(), 1u + 2 * 61 + 1);
  EXPECT_EQ(model.layers.front().kind, LayerKind::kEmbedding);
  EXPECT_EQ(model.layers.back().kind, LayerKind::kLmHead);
  EXPECT_EQ(model.layers.back().decoder_layer, -1);
  // index 1 + 2 * layer is the attention, 2 + 2 * layer the FFN.
  for (int layer = 0; layer < 61; ++layer) {
    EXPECT_EQ(model.layers[1 + 2 * layer].kind, LayerKind::kAttention);
    EXPECT_EQ(model.layers[2 + 2 * layer].kind, layer < 3 ? LayerKind::kDenseFfn : LayerKind::kMoe);
    EXPECT_EQ(model.layers[2 + 2 * layer].decoder_layer, layer);
  }
  EXPECT_EQ(model.row_bytes(), 7168 * 2);
  EXPECT_EQ(model.dims.num_experts, 256);
  EXPECT_EQ(model.dims.top_k, 8);
  EXPECT_EQ(model.dims.vocab, 129280);
  EXPECT_EQ(model.dims.dense_intermediate, 18432);
  EXPECT_EQ(model.dims.moe_intermediate, 2048);
  EXPECT_EQ(model.dims.attention.kv_lora_rank, 512);
}

TEST(ModelPresetTest, TinyHasDenseAndMoeLayers) {
  ModelSpec model = Preset("tiny");
  int dense = 0, moe = 0;
  for (const Layer& layer : model.layers) {
    dense += layer.kind == LayerKind::kDenseFfn;
    moe += layer.kind == LayerKind::kMoe;
  }
  EXPECT_GE(dense, 1);
  EXPECT_GE(moe, 2);
}

TEST(ModelPresetTest, UnknownPresetListsKnownOnes) {
  absl::StatusOr<ModelSpec> model = ModelPreset("llama");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(model.status().message()),
              HasSubstr("deepseek-v3, deepseek-v3-small, tiny"));
}

TEST(ModelPresetTest, BadDimsNameTheField) {
  ModelDims dims = Preset("tiny").dims;
  dims.top_k = dims.num_experts + 1;
  dims.hidden = 0;
  absl::StatusOr<ModelSpec> model = BuildModelSpec(dims);
  ASSERT_FALSE(model.ok());
  EXPECT_THAT(std::string(model.status().message()), HasSubstr("model.top_k 17 must be <="));
  EXPECT_THAT(std::string(model.status().message()), HasSubstr("model.hidden 0 must be >= 1"));
}

TEST(BucketTest, DefaultBuckets) {
  std::vector<int> expected = {1, 2, 4, 8, 12};
  for (int size = 16; size <= 256; size += 8)
    expected.push_back(size);
  EXPECT_EQ(DefaultBuckets(), expected);
}

TEST(BucketTest, FindIsTheSmallestBucketAtLeastRows) {
  absl::StatusOr<BucketTable> table = BucketTable::Create(DefaultBuckets());
  ASSERT_TRUE(table.ok());
  struct Row {
    int64_t rows;
    std::optional<int> bucket;
  };
  for (const Row& row : std::vector<Row>{{0, 1},
                                         {1, 1},
                                         {3, 4},
                                         {9, 12},
                                         {13, 16},
                                         {120, 120},
                                         {121, 128},
                                         {256, 256},
                                         {257, std::nullopt}}) {
    EXPECT_EQ(table->Find(row.rows), row.bucket) << "rows " << row.rows;
  }
}

TEST(BucketTest, CreateRejectsBadTables) {
  struct Row {
    std::vector<int> sizes;
    std::string message;
  };
  for (const Row& row : std::vector<Row>{
           {{}, "buckets is empty"},
           {{1, 4, 2}, "buckets must be strictly increasing: buckets[2] = 2 follows 4"},
           {{1, 2, 2}, "strictly increasing"},
           {{0, 2}, "buckets[0] = 0 is out of range [1, 65536]"},
           {{1, 70000}, "buckets[1] = 70000 is out of range [1, 65536]"}}) {
    absl::StatusOr<BucketTable> table = BucketTable::Create(row.sizes);
    ASSERT_FALSE(table.ok());
    EXPECT_THAT(std::string(table.status().message()), HasSubstr(row.message));
  }
}

TEST(ParallelConfigTest, ValidConfigsPass) {
  ModelSpec model = Preset("deepseek-v3");
  for (int world : {1, 2, 4, 8, 16, 32, 256}) {
    EXPECT_TRUE(ValidateConfig(Config(world, MoeBackend::kA2aLl), model).ok()) << world;
    EXPECT_TRUE(
        ValidateConfig(Config(world, MoeBackend::kAllGather, world, LmHeadMode::kTp), model).ok())
        << world;
  }
}

TEST(ParallelConfigTest, EachBadFieldIsNamedWithItsLimit) {
  ModelSpec model = Preset("deepseek-v3");
  struct Row {
    std::string what;
    void (*mutate)(ParallelConfig&);
    std::string message;
  };
  const std::vector<Row> rows = {
      {"world 0", [](ParallelConfig& c) { c.world = c.dp = 0; },
       "world 0 is out of range [1, 1024]"},
      {"world 2048", [](ParallelConfig& c) { c.world = c.dp = 2048; },
       "world 2048 is out of range [1, 1024]"},
      {"dp", [](ParallelConfig& c) { c.dp = 8; },
       "dp 8 is not supported: dp must equal world (16)"},
      {"dense_tp", [](ParallelConfig& c) { c.dense_tp = 4; }, "dense_tp 4 must be 1 or world (16)"},
      {"ep_capacity 0", [](ParallelConfig& c) { c.ep_capacity = 0; },
       "ep_capacity 0 is out of range [1, 65536]"},
      {"ep_capacity below smallest bucket",
       [](ParallelConfig& c) {
         c.buckets = {4, 8};
         c.ep_capacity = 2;
       },
       "ep_capacity 2 is below the smallest bucket 4"},
      {"buckets",
       [](ParallelConfig& c) {
         c.buckets = {8, 4};
       },
       "strictly increasing"},
      {"experts", [](ParallelConfig& c) { c.world = c.dp = 12; },
       "world 12 must divide model.num_experts 256"},
  };
  for (const Row& row : rows) {
    ParallelConfig config = Config(16, MoeBackend::kA2aLl);
    row.mutate(config);
    absl::Status status = ValidateConfig(config, model);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << row.what;
    EXPECT_THAT(std::string(status.message()), HasSubstr(row.message)) << row.what;
  }
}

TEST(ParallelConfigTest, EpCapacityBelowSmallestBucketIsFineForAllGather) {
  ParallelConfig config = Config(4, MoeBackend::kAllGather);
  config.buckets = {4, 8};
  config.ep_capacity = 2;
  EXPECT_TRUE(ValidateConfig(config, Preset("tiny")).ok());
}

TEST(ParallelConfigTest, TpWidthsMustDivide) {
  ModelDims dims = Preset("tiny").dims;
  dims.vocab = 1000;
  dims.dense_intermediate = 100;
  absl::StatusOr<ModelSpec> model = BuildModelSpec(dims);
  ASSERT_TRUE(model.ok());
  absl::Status status = ValidateConfig(Config(16, MoeBackend::kA2aLl, 16, LmHeadMode::kTp), *model);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("lm_head tp over world 16 must divide model.vocab 1000"));
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("dense_tp 16 must divide model.dense_intermediate 100"));
}

TEST(ParallelConfigTest, EveryProblemIsReportedAtOnce) {
  ParallelConfig config = Config(16, MoeBackend::kA2aLl);
  config.dense_tp = 3;
  config.ep_capacity = 0;
  std::string message(ValidateConfig(config, Preset("deepseek-v3")).message());
  EXPECT_THAT(message, HasSubstr("dense_tp 3"));
  EXPECT_THAT(message, HasSubstr("ep_capacity 0"));
}

TEST(NamesTest, RoundTripAndErrorsNameTheField) {
  for (MoeBackend backend : {MoeBackend::kAllGather, MoeBackend::kA2aPadded, MoeBackend::kA2aLl}) {
    EXPECT_EQ(*ParseMoeBackend(MoeBackendName(backend), "--moe"), backend);
  }
  for (PolicyKind kind : kAllPolicies) {
    EXPECT_EQ(*ParsePolicyKind(PolicyKindName(kind), "--policy"), kind);
  }
  absl::StatusOr<MoeBackend> bad = ParseMoeBackend("deepep", "--moe");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(std::string(bad.status().message()),
            "--moe 'deepep' is not one of allgather | a2a_padded | a2a_ll");
  EXPECT_FALSE(ParseLmHeadMode("vocab", "--lm_head").ok());
  EXPECT_FALSE(ParseGatherBackend("nvls", "--gather_backend").ok());
}

}  // namespace
}  // namespace padgraph

namespace padgraph {
namespace {

TEST(GraphKeyTest, HashesAndComparesEveryField) {
  const GraphKey base{.local_bucket = 8,
                      .gather_bucket = 8,
                      .gather_layout = GatherLayout::kAllGather,
                      .dense = DenseMode::kTp,
                      .lm_head = LmHeadMode::kTp,
                      .moe = MoeBackend::kA2aPadded};
  std::vector<GraphKey> variants(6, base);
  variants[0].local_bucket = 16;
  variants[1].gather_bucket = 256;
  variants[2].gather_layout = GatherLayout::kDeviceCount;
  variants[3].dense = DenseMode::kDp;
  variants[4].lm_head = LmHeadMode::kDp;
  variants[5].moe = MoeBackend::kA2aLl;
  absl::flat_hash_set<GraphKey> keys = {base};
  EXPECT_TRUE(keys.contains(GraphKey(base)));
  for (const GraphKey& variant : variants) {
    EXPECT_FALSE(variant == base) << GraphKeyString(variant);
    EXPECT_TRUE(keys.insert(variant).second) << GraphKeyString(variant);
  }
  EXPECT_EQ(GraphKeyString(base),
            "local 8 | gather all_gather 8 | dense tp | lm_head tp | moe a2a_padded");
}

}  // namespace
}  // namespace padgraph
