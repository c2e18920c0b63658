// Enum <-> name tables shared by the padding_policy sources.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "fmt/format.h"
#include "fmt/ranges.h"

namespace padgraph::padding_policy_internal {

// Looks `text` up in `names` (indexed by enum value); the error names `field` and lists the
// accepted names.
template <typename Enum, size_t N>
absl::StatusOr<Enum> ParseName(std::string_view text, std::string_view field,
                               const std::string_view (&names)[N]) {
  for (size_t i = 0; i < N; ++i) {
    if (text == names[i]) return static_cast<Enum>(i);
  }
  return absl::InvalidArgumentError(
      fmt::format("{} '{}' is not one of {}", field, text, fmt::join(names, " | ")));
}

template <typename Enum, size_t N>
std::string_view NameOf(Enum value, const std::string_view (&names)[N]) {
  auto index = static_cast<size_t>(value);
  return index < N ? names[index] : "unknown";
}

}  // namespace padgraph::padding_policy_internal
