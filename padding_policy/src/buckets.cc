// The bucket table: validation and allocation-free lookup.
#include "padgraph/padding_policy/buckets.h"

#include <algorithm>

#include "absl/status/status.h"
#include "fmt/format.h"
#include "padgraph/padding_policy/parallel_config.h"

namespace padgraph {

absl::StatusOr<BucketTable> BucketTable::Create(std::vector<int> sizes) {
  if (sizes.empty()) return absl::InvalidArgumentError("buckets is empty; give at least one size");
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] < 1 || sizes[i] > kMaxBucket) {
      return absl::InvalidArgumentError(
          fmt::format("buckets[{}] = {} is out of range [1, {}]", i, sizes[i], kMaxBucket));
    }
    if (i > 0 && sizes[i] <= sizes[i - 1]) {
      return absl::InvalidArgumentError(
          fmt::format("buckets must be strictly increasing: buckets[{}] = {} follows {}", i,
                      sizes[i], sizes[i - 1]));
    }
  }
  return BucketTable(std::move(sizes));
}

std::optional<int> BucketTable::Find(int64_t rows) const {
  auto it = std::lower_bound(sizes_.begin(), sizes_.end(), rows,
                             [](int size, int64_t wanted) { return size < wanted; });
  if (it == sizes_.end()) return std::nullopt;
  return *it;
}

}  // namespace padgraph
