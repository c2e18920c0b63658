# Variant "nomatch": the slot table's __match_any_sync (its repeated-id check) replaced by shuffles
# that compare each lane's key with its group's earlier lanes.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""// Note [Rows once per rank]: for the pair (token, k) of an expert `owner` owns,""",
"""// Whether one of the `span` - 1 lanes before this one in its group of `width` lanes (a power of
// two) holds `key`. Every lane of the warp calls it, with the same width and span (at most
// kA2aLlMaxTopK). Shuffles, not __match_any_sync, which stalled its warp (the slot table's check
// was a sampled hot spot of the dispatch at 1 row, bench/results/2026-11-29-h200-stop22).
__device__ __forceinline__ bool EarlierLaneHolds(int32_t key, int width, int span) {
  const int in_group = static_cast<int>(threadIdx.x % kWarpSize) & (width - 1);
  bool held = false;
#pragma unroll
  for (int j = 1; j < kA2aLlMaxTopK; ++j) {
    if (j >= span) break;
    const int32_t earlier = __shfl_up_sync(kFullMask, key, j, width);
    held |= in_group >= j && earlier == key;
  }
  return held;
}

// Note [Rows once per rank]: for the pair (token, k) of an expert `owner` owns,""")
sub("""      // An id in range on an earlier lane of the token's group repeats this one.
      const uint32_t same =
          __match_any_sync(kFullMask, in_range ? id : -1 - static_cast<int>(threadIdx.x));
      const bool valid = in_range && (same & group_mask & lanes_below) == 0;""",
"""      // An id in range on an earlier lane of the token's group repeats this one.
      const bool valid =
          in_range && !EarlierLaneHolds(in_range ? id : -1 - static_cast<int>(threadIdx.x),
                                        pair_lanes, pair_lanes);""")
sub("""    const uint32_t lanes_below = (1u << threadIdx.x % kWarpSize) - 1;
""", "")
open(path, "w").write(s)
