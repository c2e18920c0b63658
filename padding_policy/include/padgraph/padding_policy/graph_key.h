// GraphKey: what identifies one captured graph. Two plans with different collectives never share a
// key; two policies that would capture the same graph (same shapes, same collectives) do, and
// differ only in what they stage into it (DESIGN.md section 4).
#pragma once

#include <string>
#include <string_view>

#include "padgraph/padding_policy/parallel_config.h"

namespace padgraph {

// The layout of the buffer the gather layers (dense TP, lm_head TP) fill, or, with none of those,
// the allgather MoE backend's.
enum class GatherLayout {
  kNone,          // no layer gathers
  kAllGather,     // host all-gather of world x gather_bucket rows (each rank its padded slot)
  kAllReduceSum,  // host all-reduce of a zero-filled gather_bucket (= bucket(sum n)) buffer
  kDeviceCount,   // device-count gather into world x gather_bucket (the largest bucket) slots
};

// "none", "all_gather", "all_reduce_sum", "device_count".
std::string_view GatherLayoutName(GatherLayout layout);

struct GraphKey {
  int local_bucket = 0;   // rows of the attention input (and every layer that runs local rows)
  int gather_bucket = 0;  // rows per rank slot of the gather buffer; 0 when layout is none
  GatherLayout gather_layout = GatherLayout::kNone;
  DenseMode dense = DenseMode::kDp;
  LmHeadMode lm_head = LmHeadMode::kDp;
  MoeBackend moe = MoeBackend::kA2aLl;

  friend bool operator==(const GraphKey&, const GraphKey&) = default;

  template <typename H>
  friend H AbslHashValue(H h, const GraphKey& key) {
    return H::combine(std::move(h), key.local_bucket, key.gather_bucket, key.gather_layout,
                      key.dense, key.lm_head, key.moe);
  }
};

// Capture order: larger local bucket first, then larger gather bucket, then the other fields.
bool CapturesBefore(const GraphKey& a, const GraphKey& b);

// One line for logs and tables, e.g. "local 8 | gather none | dense dp | lm_head dp | moe a2a_ll".
std::string GraphKeyString(const GraphKey& key);

}  // namespace padgraph
