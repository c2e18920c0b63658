// How a model is spread over ranks: the DESIGN.md section 4 config. Data-parallel attention over
// `dp` ranks (equal to `world` in this version), the dense FFN and lm_head either replicated (DP)
// or tensor-parallel over every rank, experts spread over every rank (EP = world) behind one of
// three MoE backends, and the captured batch sizes (buckets). Pure host C++; a value.
#pragma once

#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "padgraph/padding_policy/model_spec.h"

namespace padgraph {

// Replicated over ranks (each rank runs its own rows) or tensor-parallel over every rank (needs
// every rank's rows).
enum class DenseMode { kDp, kTp };
enum class LmHeadMode { kDp, kTp };

enum class MoeBackend {
  kAllGather,  // host NCCL: all-gather tokens, local experts, reduce-scatter
  kA2aPadded,  // host NCCL: grouped send/recv of a fixed bucket of rows to every peer
  kA2aLl,      // NCCL device API: only real rows move, count read on the device
};

// How the dense-TP and lm_head-TP layers gather rows (DESIGN.md section 3).
enum class GatherBackend {
  kHost,  // NCCL all-gather / reduce-scatter of equal, padded sizes
  kLsa,   // device-count gather over NVLink: only real rows move
};

// Names as the inspector and JSON spell them: "dp" / "tp", "allgather" / "a2a_padded" / "a2a_ll",
// "host" / "lsa".
std::string_view DenseModeName(DenseMode mode);
std::string_view LmHeadModeName(LmHeadMode mode);
std::string_view MoeBackendName(MoeBackend backend);
std::string_view GatherBackendName(GatherBackend backend);
// Parse the names above; errors name `field` and the accepted values.
absl::StatusOr<LmHeadMode> ParseLmHeadMode(std::string_view text, std::string_view field);
absl::StatusOr<MoeBackend> ParseMoeBackend(std::string_view text, std::string_view field);
absl::StatusOr<GatherBackend> ParseGatherBackend(std::string_view text, std::string_view field);

// Limits every config is checked against.
inline constexpr int kMaxWorld = 1024;
inline constexpr int kMaxBucket = 65536;      // rows per rank in one captured graph
inline constexpr int kMaxEpCapacity = 65536;  // rows per rank in the all-to-all buffers

// 1, 2, 4, 8, 12, then 16 to 256 in steps of 8.
std::vector<int> DefaultBuckets();

struct ParallelConfig {
  int world = 1;
  int dp = 1;        // attention-DP groups; must equal world for now
  int dense_tp = 1;  // 1 or world
  LmHeadMode lm_head = LmHeadMode::kDp;
  MoeBackend moe = MoeBackend::kA2aLl;
  GatherBackend gather_backend = GatherBackend::kHost;
  int ep_capacity = 128;                        // rows per rank the all-to-all buffers hold
  std::vector<int> buckets = DefaultBuckets();  // strictly increasing

  DenseMode dense_mode() const { return dense_tp > 1 ? DenseMode::kTp : DenseMode::kDp; }
  // True when the MoE backend is one of the all-to-all ones, whose buffers `ep_capacity` bounds.
  bool moe_is_all_to_all() const { return moe != MoeBackend::kAllGather; }
};

// Checks every field of `config` against its limits and against `model` (experts divide over the
// ranks; a TP dense FFN or lm_head divides its width over them). The error lists every problem,
// each naming the field, the value and the limit; OK means every policy can be asked about it.
absl::Status ValidateConfig(const ParallelConfig& config, const ModelSpec& model);

}  // namespace padgraph
