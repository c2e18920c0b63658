// GraphKey names and ordering.
#include "padgraph/padding_policy/graph_key.h"

#include <tuple>

#include "fmt/format.h"

namespace padgraph {

std::string_view GatherLayoutName(GatherLayout layout) {
  switch (layout) {
    case GatherLayout::kNone:
      return "none";
    case GatherLayout::kAllGather:
      return "all_gather";
    case GatherLayout::kAllReduceSum:
      return "all_reduce_sum";
    case GatherLayout::kDeviceCount:
      return "device_count";
  }
  return "unknown";
}

bool CapturesBefore(const GraphKey& a, const GraphKey& b) {
  return std::make_tuple(-a.local_bucket, -a.gather_bucket, a.gather_layout, a.dense, a.lm_head,
                         a.moe) < std::make_tuple(-b.local_bucket, -b.gather_bucket,
                                                  b.gather_layout, b.dense, b.lm_head, b.moe);
}

std::string GraphKeyString(const GraphKey& key) {
  std::string gather =
      key.gather_layout == GatherLayout::kNone
          ? "none"
          : fmt::format("{} {}", GatherLayoutName(key.gather_layout), key.gather_bucket);
  return fmt::format("local {} | gather {} | dense {} | lm_head {} | moe {}", key.local_bucket,
                     gather, DenseModeName(key.dense), LmHeadModeName(key.lm_head),
                     MoeBackendName(key.moe));
}

}  // namespace padgraph
