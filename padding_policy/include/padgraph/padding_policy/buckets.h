// The captured batch sizes. bucket(n) is the smallest captured size >= n; bucket(0) is the
// smallest bucket (an idle rank still replays a graph). Lookups allocate nothing.
#pragma once

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace padgraph {

class BucketTable {
 public:
  // `sizes` must be non-empty, strictly increasing, each in [1, kMaxBucket].
  static absl::StatusOr<BucketTable> Create(std::vector<int> sizes);

  // Smallest bucket >= rows (rows <= 0 gives the smallest); nullopt past the largest.
  std::optional<int> Find(int64_t rows) const;

  int smallest() const { return sizes_.front(); }
  int largest() const { return sizes_.back(); }
  absl::Span<const int> sizes() const { return sizes_; }

 private:
  explicit BucketTable(std::vector<int> sizes) : sizes_(std::move(sizes)) {}
  std::vector<int> sizes_;
};

}  // namespace padgraph
