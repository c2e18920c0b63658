// The model a plan is made for: the ordered layer list (embedding; per decoder layer an attention
// and an FFN, dense or MoE; lm_head) and the dims that set row sizes, weight bytes and the cost
// model's work. Pure host C++; a ModelSpec is a value, cheap to copy.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace padgraph {

enum class LayerKind { kEmbedding, kAttention, kDenseFfn, kMoe, kLmHead };

// "embedding", "attention", "dense_ffn", "moe", "lm_head".
std::string_view LayerKindName(LayerKind kind);

// Multi-head latent attention (DeepSeek-V2/V3). The attention stand-in runs per token, but the
// cost model streams these weights every step.
struct MlaDims {
  int64_t q_lora_rank = 0;
  int64_t kv_lora_rank = 0;
  int64_t num_heads = 0;
  int64_t qk_nope_head_dim = 0;
  int64_t qk_rope_head_dim = 0;
  int64_t v_head_dim = 0;
};

struct ModelDims {
  std::string name;
  int64_t hidden = 0;
  int64_t dense_intermediate = 0;  // FFN width of the dense decoder layers
  int64_t num_experts = 0;         // routed experts per MoE layer
  int64_t moe_intermediate = 0;    // FFN width of one routed (and each shared) expert
  int64_t num_shared_experts = 0;
  int64_t top_k = 0;
  int64_t vocab = 0;
  int64_t dtype_bytes = 0;  // activations and weights (bf16: 2)
  int num_decoder_layers = 0;
  int first_moe_layer = 0;  // decoder layers [0, first_moe_layer) are dense, the rest MoE
  MlaDims attention;
};

struct Layer {
  LayerKind kind = LayerKind::kEmbedding;
  int decoder_layer = -1;  // -1 for the embedding and the lm_head
};

struct ModelSpec {
  ModelDims dims;
  std::vector<Layer> layers;  // embedding, (attention, ffn) per decoder layer, lm_head

  int64_t row_bytes() const { return dims.hidden * dims.dtype_bytes; }
};

// Checks `dims` (every size positive, top_k <= num_experts, first_moe_layer within the decoder
// layers) and lays out the layer list. Errors name the field and its limit.
absl::StatusOr<ModelSpec> BuildModelSpec(const ModelDims& dims);

// Presets: "deepseek-v3" (hidden 7168; decoder layers 0-2 dense with intermediate 18432; layers
// 3-60 MoE with 256 routed experts of intermediate 2048 plus 1 shared, top-8; vocab 129280; bf16)
// "deepseek-v3-small" (the same 61 layers and kernels, hidden 256, 32 experts; fits one GPU) and
// "tiny" (4 decoder layers, 1 dense; 16 experts, top-4; hidden 64; for tests).
absl::StatusOr<ModelSpec> ModelPreset(std::string_view name);
const std::vector<std::string_view>& ModelPresetNames();

}  // namespace padgraph
