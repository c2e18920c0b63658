// FastDivisor (fast_divisor.h, Note [Fast division]): every quotient and remainder against the
// plain division, over all small divisors and dividends, the divisors the a2a_ll layouts use, the
// powers of two and their neighbours, and dividends at the top of the range.
#include "padgraph/ep_backend/fast_divisor.h"

#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace padgraph {
namespace {

void ExpectDividesLikeOperator(int64_t divisor, const std::vector<int64_t>& dividends) {
  const FastDivisor fast = FastDivisor::Of(divisor);
  ASSERT_EQ(fast.divisor(), divisor);
  for (const int64_t x : dividends) {
    ASSERT_EQ(fast.Quotient(static_cast<int>(x)), x / divisor) << x << " / " << divisor;
    ASSERT_EQ(fast.Remainder(static_cast<int>(x)), x % divisor) << x << " % " << divisor;
  }
}

// Dividends around each multiple of `divisor` near 0 and near kMaxDividend, the range's ends,
// and random ones.
std::vector<int64_t> DividendsFor(int64_t divisor, std::mt19937_64& random) {
  std::vector<int64_t> dividends = {0, 1, FastDivisor::kMaxDividend - 1, FastDivisor::kMaxDividend};
  const int64_t top = FastDivisor::kMaxDividend / divisor * divisor;
  for (int64_t step = 0; step < 4; ++step) {
    for (const int64_t multiple : {step * divisor, top - step * divisor}) {
      for (const int64_t x : {multiple - 1, multiple, multiple + 1}) {
        if (x >= 0 && x <= FastDivisor::kMaxDividend) dividends.push_back(x);
      }
    }
  }
  std::uniform_int_distribution<int64_t> any(0, FastDivisor::kMaxDividend);
  for (int i = 0; i < 64; ++i)
    dividends.push_back(any(random));
  return dividends;
}

TEST(FastDivisorTest, DefaultDividesByOne) {
  const FastDivisor fast;
  EXPECT_EQ(fast.divisor(), 1);
  EXPECT_EQ(fast.Quotient(0), 0);
  EXPECT_EQ(fast.Quotient(12345), 12345);
  EXPECT_EQ(fast.Quotient(static_cast<int>(FastDivisor::kMaxDividend)), FastDivisor::kMaxDividend);
  EXPECT_EQ(fast.Remainder(12345), 0);
}

TEST(FastDivisorTest, EverySmallDividendBySmallDivisors) {
  std::vector<int64_t> dividends(1 << 14);
  for (int64_t x = 0; x < static_cast<int64_t>(dividends.size()); ++x)
    dividends[x] = x;
  for (int64_t divisor = 1; divisor <= 1024; ++divisor) {
    ExpectDividesLikeOperator(divisor, dividends);
  }
}

TEST(FastDivisorTest, LargeDividendsBySmallDivisors) {
  std::mt19937_64 random(7);
  for (int64_t divisor = 1; divisor <= 4096; ++divisor) {
    ExpectDividesLikeOperator(divisor, DividendsFor(divisor, random));
  }
}

TEST(FastDivisorTest, PowersOfTwoTheirNeighboursAndTheLargestDivisor) {
  std::mt19937_64 random(11);
  for (int bit = 0; bit <= 30; ++bit) {
    for (const int64_t divisor : {(int64_t{1} << bit) - 1, int64_t{1} << bit,
                                  (int64_t{1} << bit) + 1, (int64_t{3} << bit) / 2}) {
      if (divisor < 1 || divisor > FastDivisor::kMaxDivisor) continue;
      ExpectDividesLikeOperator(divisor, DividendsFor(divisor, random));
    }
  }
  ExpectDividesLikeOperator(FastDivisor::kMaxDivisor,
                            DividendsFor(FastDivisor::kMaxDivisor, random));
}

TEST(FastDivisorTest, RandomDivisors) {
  std::mt19937_64 random(13);
  std::uniform_int_distribution<int64_t> any(1, FastDivisor::kMaxDivisor);
  for (int i = 0; i < 2000; ++i) {
    const int64_t divisor = any(random);
    ExpectDividesLikeOperator(divisor, DividendsFor(divisor, random));
  }
}

}  // namespace
}  // namespace padgraph
