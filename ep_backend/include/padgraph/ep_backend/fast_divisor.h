// Division of a nonnegative int by a divisor fixed at set-up, as a multiply and a shift. The
// a2a_ll kernels split their work into units (a pair's line groups, a block's peer, an expert's
// owner) by dividing by layout quantities the compiler cannot see; a general 32-bit division
// costs about 20 instructions on the GPU, and every warp of a launch does several before its
// first store, where a small count's time goes (bench/results/2026-11-29-h200-stop23).
//
// Note [Fast division]
// For 0 <= x < 2^31 and a divisor d in [1, 2^31): with l = ceil(log2 d) and
// m = ceil(2^(31 + l) / d), floor(x / d) = floor(x * m / 2^(31 + l)). This is Granlund and
// Montgomery's condition (PLDI 1994, Theorem 4.2) for 31-bit numerators: m * d - 2^(31 + l) < d
// <= 2^l. m < 2^32, so x * m < 2^63 fits an unsigned 64-bit product. Host and device share the
// arithmetic, so the CPU test of every quotient stands for the kernels.
#pragma once

#include <cstdint>

#include "padgraph/padding_policy/status_macros.h"

#if defined(__CUDACC__)
#define PADGRAPH_FAST_DIVISOR_HD __host__ __device__ __forceinline__
#else
#define PADGRAPH_FAST_DIVISOR_HD inline
#endif

namespace padgraph {

class FastDivisor {
 public:
  static constexpr int64_t kMaxDivisor = (int64_t{1} << 31) - 1;
  static constexpr int64_t kMaxDividend = (int64_t{1} << 31) - 1;

  // Divides by 1.
  FastDivisor() = default;

  // `divisor` in [1, kMaxDivisor]: an internal invariant, since callers pass quantities of a
  // validated layout.
  static FastDivisor Of(int64_t divisor) {
    PADGRAPH_CHECK(divisor >= 1 && divisor <= kMaxDivisor);
    int log2_ceil = 0;
    while ((int64_t{1} << log2_ceil) < divisor)
      ++log2_ceil;
    FastDivisor fast;
    fast.divisor_ = static_cast<int>(divisor);
    fast.shift_ = 31 + log2_ceil;
    fast.multiplier_ = static_cast<uint32_t>(((uint64_t{1} << fast.shift_) + divisor - 1) /
                                             static_cast<uint64_t>(divisor));
    return fast;
  }

  PADGRAPH_FAST_DIVISOR_HD int divisor() const { return divisor_; }
  // floor(x / divisor()) for x in [0, kMaxDividend].
  PADGRAPH_FAST_DIVISOR_HD int Quotient(int x) const {
    return static_cast<int>((static_cast<uint64_t>(static_cast<uint32_t>(x)) * multiplier_) >>
                            shift_);
  }
  // x - Quotient(x) * divisor(), for x in [0, kMaxDividend].
  PADGRAPH_FAST_DIVISOR_HD int Remainder(int x) const { return x - Quotient(x) * divisor_; }

 private:
  int divisor_ = 1;
  uint32_t multiplier_ = uint32_t{1} << 31;
  uint32_t shift_ = 31;
};

}  // namespace padgraph
