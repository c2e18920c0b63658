// Model presets and the layer list.
#include "padgraph/padding_policy/model_spec.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "fmt/format.h"
#include "fmt/ranges.h"

namespace padgraph {

std::string_view LayerKindName(LayerKind kind) {
  switch (kind) {
    case LayerKind::kEmbedding:
      return "embedding";
    case LayerKind::kAttention:
      return "attention";
    case LayerKind::kDenseFfn:
      return "dense_ffn";
    case LayerKind::kMoe:
      return "moe";
    case LayerKind::kLmHead:
      return "lm_head";
  }
  return "unknown";
}

absl::StatusOr<ModelSpec> BuildModelSpec(const ModelDims& dims) {
  std::vector<std::string> problems;
  auto positive = [&](std::string_view field, int64_t value) {
    if (value <= 0) problems.push_back(fmt::format("model.{} {} must be >= 1", field, value));
  };
  positive("hidden", dims.hidden);
  positive("num_experts", dims.num_experts);
  positive("moe_intermediate", dims.moe_intermediate);
  positive("top_k", dims.top_k);
  positive("vocab", dims.vocab);
  positive("dtype_bytes", dims.dtype_bytes);
  positive("num_decoder_layers", dims.num_decoder_layers);
  positive("attention.q_lora_rank", dims.attention.q_lora_rank);
  positive("attention.kv_lora_rank", dims.attention.kv_lora_rank);
  positive("attention.num_heads", dims.attention.num_heads);
  positive("attention.qk_nope_head_dim", dims.attention.qk_nope_head_dim);
  positive("attention.qk_rope_head_dim", dims.attention.qk_rope_head_dim);
  positive("attention.v_head_dim", dims.attention.v_head_dim);
  if (dims.num_shared_experts < 0) {
    problems.push_back(
        fmt::format("model.num_shared_experts {} must be >= 0", dims.num_shared_experts));
  }
  if (dims.top_k > dims.num_experts) {
    problems.push_back(
        fmt::format("model.top_k {} must be <= num_experts {}", dims.top_k, dims.num_experts));
  }
  if (dims.first_moe_layer < 0 || dims.first_moe_layer > dims.num_decoder_layers) {
    problems.push_back(fmt::format("model.first_moe_layer {} must be in [0, num_decoder_layers {}]",
                                   dims.first_moe_layer, dims.num_decoder_layers));
  }
  if (dims.first_moe_layer > 0 && dims.dense_intermediate <= 0) {
    problems.push_back(
        fmt::format("model.dense_intermediate {} must be >= 1 when there are dense layers",
                    dims.dense_intermediate));
  }
  if (!problems.empty())
    return absl::InvalidArgumentError(fmt::format("{}", fmt::join(problems, "; ")));

  ModelSpec spec{.dims = dims, .layers = {}};
  spec.layers.reserve(2 + 2 * static_cast<size_t>(dims.num_decoder_layers));
  spec.layers.push_back({LayerKind::kEmbedding, -1});
  for (int layer = 0; layer < dims.num_decoder_layers; ++layer) {
    spec.layers.push_back({LayerKind::kAttention, layer});
    spec.layers.push_back(
        {layer < dims.first_moe_layer ? LayerKind::kDenseFfn : LayerKind::kMoe, layer});
  }
  spec.layers.push_back({LayerKind::kLmHead, -1});
  return spec;
}

const std::vector<std::string_view>& ModelPresetNames() {
  static const auto* names =
      new std::vector<std::string_view>{"deepseek-v3", "deepseek-v3-small", "tiny"};
  return *names;
}

absl::StatusOr<ModelSpec> ModelPreset(std::string_view name) {
  if (name == "deepseek-v3") {
    return BuildModelSpec({.name = "deepseek-v3",
                           .hidden = 7168,
                           .dense_intermediate = 18432,
                           .num_experts = 256,
                           .moe_intermediate = 2048,
                           .num_shared_experts = 1,
                           .top_k = 8,
                           .vocab = 129280,
                           .dtype_bytes = 2,
                           .num_decoder_layers = 61,
                           .first_moe_layer = 3,
                           .attention = {.q_lora_rank = 1536,
                                         .kv_lora_rank = 512,
                                         .num_heads = 128,
                                         .qk_nope_head_dim = 128,
                                         .qk_rope_head_dim = 64,
                                         .v_head_dim = 128}});
  }
  if (name == "deepseek-v3-small") {
    // DeepSeek-V3's 61 decoder layers (3 dense, 58 MoE, top-8, one shared expert) and its kernels
    // per layer, with dims cut so the weights fit one GPU and the float64 reference fits a host.
    return BuildModelSpec({.name = "deepseek-v3-small",
                           .hidden = 256,
                           .dense_intermediate = 768,
                           .num_experts = 32,
                           .moe_intermediate = 128,
                           .num_shared_experts = 1,
                           .top_k = 8,
                           .vocab = 4096,
                           .dtype_bytes = 2,
                           .num_decoder_layers = 61,
                           .first_moe_layer = 3,
                           .attention = {.q_lora_rank = 64,
                                         .kv_lora_rank = 32,
                                         .num_heads = 4,
                                         .qk_nope_head_dim = 32,
                                         .qk_rope_head_dim = 16,
                                         .v_head_dim = 64}});
  }
  if (name == "tiny") {
    return BuildModelSpec({.name = "tiny",
                           .hidden = 64,
                           .dense_intermediate = 128,
                           .num_experts = 16,
                           .moe_intermediate = 32,
                           .num_shared_experts = 1,
                           .top_k = 4,
                           .vocab = 512,
                           .dtype_bytes = 2,
                           .num_decoder_layers = 4,
                           .first_moe_layer = 1,
                           .attention = {.q_lora_rank = 32,
                                         .kv_lora_rank = 16,
                                         .num_heads = 4,
                                         .qk_nope_head_dim = 16,
                                         .qk_rope_head_dim = 8,
                                         .v_head_dim = 16}});
  }
  return absl::InvalidArgumentError(fmt::format("preset '{}' is unknown; known presets: {}", name,
                                                fmt::join(ModelPresetNames(), ", ")));
}

}  // namespace padgraph
