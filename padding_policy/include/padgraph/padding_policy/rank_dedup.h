// a2a_ll's rows once per rank (ep_backend/include/padgraph/ep_backend/a2a_ll.h, Note [Rows once per
// rank]) as the transport does it by default: a rank whose dispatch carries more rows than
// AutoRankDedupRows sends each row once per peer rank instead of once per (token, expert) pair.
// The transport takes its default from here and the cost model prices a dispatch by it, so the
// two agree. Pure and header-only (the transport's kernels include it).
#pragma once

namespace padgraph {

inline constexpr int kA2aLlRankDedupAutoRows = 32;          // 3 ranks or more
inline constexpr int kA2aLlRankDedupAutoRowsTwoRanks = 40;  // 2 ranks

// The rows above which the default sends once per rank: 40 on 2 ranks (measured on 2 H200,
// bench/results/2026-11-29-h200-stop29, calls 3 and 4), 32 on more (4 H200,
// bench/results/2026-11-28-h200x4-stop18), the capacity on one rank (no peer: never).
constexpr int AutoRankDedupRows(int world, int capacity) {
  return world <= 1   ? capacity
         : world == 2 ? kA2aLlRankDedupAutoRowsTwoRanks
                      : kA2aLlRankDedupAutoRows;
}

}  // namespace padgraph
