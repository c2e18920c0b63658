// The a2a_ll window layout (a2a_ll_layout.h): offsets, alignment, flag and origin packing, and the
// limits, each rejected naming the field, the value and the limit.
#include "padgraph/ep_backend/a2a_ll_layout.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"

namespace padgraph {
namespace {

A2aLlShape DeepSeekShape(int world, int capacity) {
  A2aLlShape shape;
  shape.world = world;
  shape.num_experts = 256;
  shape.top_k = 8;
  shape.hidden = 7168;
  shape.capacity = capacity;
  shape.dispatch_parts = 2;
  shape.dispatch_blocks = 32;
  shape.combine_group_blocks = 16;
  shape.line_rows = 16;
  shape.return_line_rows = 32;
  return shape;
}

// The kernels divide by the layout's FastDivisors (fast_divisor.h): each divides by its quantity,
// and an expert's owner and local index agree with the plain division for every expert.
TEST(A2aLlLayoutTest, DivisorsAreTheLayoutsQuantities) {
  for (const int world : {1, 2, 4, 8}) {
    A2aLlShape shape = DeepSeekShape(world, 128);
    shape.dispatch_parts = 3;
    auto layout = MakeA2aLlLayout(shape);
    ASSERT_TRUE(layout.ok()) << layout.status();
    EXPECT_EQ(layout->local_experts_divisor.divisor(), layout->local_experts);
    EXPECT_EQ(layout->world_divisor.divisor(), world);
    EXPECT_EQ(layout->top_k_divisor.divisor(), 8);
    EXPECT_EQ(layout->dispatch_parts_divisor.divisor(), 3);
    EXPECT_EQ(layout->line_groups_divisor.divisor(), 30);  // 120 lines of a row, in fours
    for (int expert = 0; expert < shape.num_experts; ++expert) {
      ASSERT_EQ(layout->OwnerOf(expert), expert / layout->local_experts) << expert;
      ASSERT_EQ(layout->LocalExpertOf(expert), expert % layout->local_experts) << expert;
    }
  }
}

// a2a_ll.h Note [Dispatch]: the row path's parts split a row's 16-byte words into ranges of at most
// PartWords() that follow each other from 0 to the row's end (the last ones shorter or empty).
TEST(A2aLlLayoutTest, DispatchPartsTileARow) {
  for (const int hidden : {64, 256, 7168}) {
    for (int parts = 1; parts <= kA2aLlMaxDispatchParts; ++parts) {
      A2aLlShape shape = DeepSeekShape(2, 128);
      shape.hidden = hidden;
      shape.dispatch_parts = parts;
      auto layout = MakeA2aLlLayout(shape);
      ASSERT_TRUE(layout.ok()) << layout.status();
      const int words = hidden / 8;
      const int part_words = layout->PartWords();
      EXPECT_GE(part_words * parts, words) << hidden << " " << parts;
      int next = 0;
      for (int part = 0; part < parts; ++part) {
        const int first = std::min(words, part * part_words);
        const int end = std::min(words, first + part_words);
        ASSERT_EQ(first, next) << hidden << " " << parts << " " << part;
        next = end;
      }
      EXPECT_EQ(next, words) << hidden << " " << parts;
    }
  }
}

// A row's lines (120 payload bytes each, the last one partly filled) and their warp units of four,
// which MakeA2aLlLayout stores for the kernels.
TEST(A2aLlLayoutTest, LinesOfARowRoundUp) {
  // hidden, lines, line groups
  for (const auto& [hidden, lines, groups] : std::vector<std::tuple<int, int, int>>{
           {8, 1, 1}, {56, 1, 1}, {64, 2, 1}, {240, 4, 1}, {248, 5, 2}, {7168, 120, 30}}) {
    A2aLlShape shape = DeepSeekShape(2, 128);
    shape.hidden = hidden;
    auto layout = MakeA2aLlLayout(shape);
    ASSERT_TRUE(layout.ok()) << hidden << ": " << layout.status();
    EXPECT_EQ(layout->lines_per_row(), lines) << hidden;
    EXPECT_EQ(layout->line_groups(), groups) << hidden;
    EXPECT_EQ(layout->line_row_bytes(), static_cast<size_t>(lines) * kA2aLlLineBytes) << hidden;
  }
}

TEST(A2aLlLayoutTest, SectionsFollowEachOtherAligned) {
  auto layout = MakeA2aLlLayout(DeepSeekShape(4, 128));
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_EQ(layout->local_experts, 64);
  EXPECT_EQ(layout->row_bytes(), 14336u);
  const size_t recv_rows = 64u * 4 * 128;
  EXPECT_EQ(layout->recv_row_count(), recv_rows);
  EXPECT_EQ(layout->recv_rows_offset, 0u);
  EXPECT_EQ(layout->recv_origins_offset, recv_rows * 14336);  // already 4096-aligned
  EXPECT_EQ(layout->dispatch_flags_offset, layout->recv_origins_offset + recv_rows * 4);
  EXPECT_EQ(layout->dispatch_block_flags_offset, layout->dispatch_flags_offset + 4096);  // 512
  EXPECT_EQ(layout->combine_rows_offset, layout->dispatch_block_flags_offset + 4096);    // 4 x 32
  EXPECT_EQ(layout->combine_flags_offset, layout->combine_rows_offset + 128u * 8 * 14336);
  EXPECT_EQ(layout->line_counts_offset, layout->combine_flags_offset + 4096);
  EXPECT_EQ(layout->dispatch_lines_offset, layout->line_counts_offset + 4096);  // 2 x 256 words
  // 7168 bf16 = 14,336 bytes = 119.5 lines of 120: 120 lines, 15,360 bytes.
  EXPECT_EQ(layout->lines_per_row(), 120);
  EXPECT_EQ(layout->line_row_bytes(), 15360u);
  EXPECT_EQ(layout->combine_lines_offset, layout->dispatch_lines_offset + 2u * 64 * 4 * 16 * 15360);
  EXPECT_EQ(layout->window_bytes, layout->combine_lines_offset + 2u * 32 * 8 * 15360);
  for (size_t offset :
       {layout->recv_origins_offset, layout->dispatch_flags_offset,
        layout->dispatch_block_flags_offset, layout->combine_rows_offset,
        layout->combine_flags_offset, layout->line_counts_offset, layout->dispatch_lines_offset,
        layout->combine_lines_offset, layout->window_bytes}) {
    EXPECT_EQ(offset % kA2aLlSectionAlign, 0u);
  }
}

TEST(A2aLlLayoutTest, IndexArithmetic) {
  auto layout = MakeA2aLlLayout(DeepSeekShape(4, 128));
  ASSERT_TRUE(layout.ok());
  // Expert 70 lives on rank 1 as local expert 6.
  EXPECT_EQ(layout->OwnerOf(70), 1);
  EXPECT_EQ(layout->LocalExpertOf(70), 6);
  EXPECT_EQ(layout->OwnerOf(255), 3);
  // [local][world][capacity][hidden]
  EXPECT_EQ(layout->RecvRowIndex(6, 2, 5), (6u * 4 + 2) * 128 + 5);
  EXPECT_EQ(layout->RecvRow(6, 2, 5), ((6u * 4 + 2) * 128 + 5) * 14336);
  EXPECT_EQ(layout->RecvRow(63, 3, 127) + 14336, layout->recv_row_count() * 14336);
  EXPECT_EQ(layout->RecvOrigin(6, 2, 5),
            layout->recv_origins_offset + ((6u * 4 + 2) * 128 + 5) * 4);
  // [local][world][parts]
  EXPECT_EQ(layout->DispatchFlag(6, 2, 1),
            layout->dispatch_flags_offset + ((6u * 4 + 2) * 2 + 1) * 8);
  // [world][dispatch_blocks]
  EXPECT_EQ(layout->DispatchBlockFlag(3, 31) + 8,
            layout->dispatch_block_flags_offset + 4u * 32 * 8);
  EXPECT_EQ(layout->DispatchBlockFlag(2, 5),
            layout->dispatch_block_flags_offset + (2u * 32 + 5) * 8);
  // [capacity][top_k][hidden]
  EXPECT_EQ(layout->CombineRow(3, 7), layout->combine_rows_offset + (3u * 8 + 7) * 14336);
  // [world][combine_group_blocks]
  EXPECT_EQ(layout->CombineFlag(3, 5), layout->combine_flags_offset + (3u * 16 + 5) * 8);
  // [2][local][world] words; [2][local][world][line_rows] and [2][return_line_rows][top_k] line
  // rows of 120 lines of 128 bytes.
  EXPECT_EQ(layout->LineCount(1, 6, 2), layout->line_counts_offset + ((64u + 6) * 4 + 2) * 8);
  EXPECT_EQ(layout->DispatchLine(1, 6, 2, 5, 3),
            layout->dispatch_lines_offset + (((64u + 6) * 4 + 2) * 16 + 5) * 15360 + 3 * 128);
  EXPECT_EQ(layout->DispatchLine(1, 63, 3, 15, 119) + 128, layout->combine_lines_offset);
  EXPECT_EQ(layout->CombineLine(1, 31, 7, 119) + 128, layout->window_bytes);
  EXPECT_EQ(layout->CombineLine(0, 3, 7, 0), layout->combine_lines_offset + (3u * 8 + 7) * 15360);
  EXPECT_EQ(layout->CombineLine(1, 3, 7, 0),
            layout->combine_lines_offset + ((32u + 3) * 8 + 7) * 15360);
}

// a2a_ll.h Note [Dispatch instances]: hidden 7168 is 120 lines a row, 30 units of four lines;
// a token's top-8 pairs are 240 units, and a warp may take up to sixteen units. On 8 SMs (128
// warps) eight tokens fit and nine do not; on 30 warps two and not three; more rows than line_rows
// never do, however many warps there are.
TEST(A2aLlLayoutTest, OneLineUnitAtATimeWhenTheLaunchsLinesFitSixteenUnitsAWarp) {
  auto layout = MakeA2aLlLayout(DeepSeekShape(4, 128));
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_EQ(kA2aLlOneUnitMaxPerWarp, 16);
  EXPECT_EQ(layout->LineUnits(0), 0);
  EXPECT_EQ(layout->LineUnits(1), 240);
  EXPECT_TRUE(layout->OneLineUnitAtATime(0, 1));
  EXPECT_TRUE(layout->OneLineUnitAtATime(8, 128));
  EXPECT_FALSE(layout->OneLineUnitAtATime(9, 128));
  EXPECT_TRUE(layout->OneLineUnitAtATime(2, 30));
  EXPECT_FALSE(layout->OneLineUnitAtATime(3, 30));
  EXPECT_TRUE(layout->OneLineUnitAtATime(16, 240));
  EXPECT_FALSE(layout->OneLineUnitAtATime(16, 239));
  EXPECT_FALSE(layout->OneLineUnitAtATime(17, 1 << 26));  // line_rows is 16
  // 7,232 values are 14,464 bytes: 121 lines, 31 units a pair.
  A2aLlShape odd = DeepSeekShape(4, 128);
  odd.hidden = 7232;
  auto odd_layout = MakeA2aLlLayout(odd);
  ASSERT_TRUE(odd_layout.ok()) << odd_layout.status();
  EXPECT_EQ(odd_layout->lines_per_row(), 121);
  EXPECT_EQ(odd_layout->LineUnits(1), 8 * 31);
}

// a2a_ll.h Note [Dispatch instances]: the instance by padded rows, with line_rows 16 and
// rank_dedup_rows 48 of capacity 128 on 32 SMs (512 warps): lines one unit at a time to 16 rows
// (at most 3,840 units), never once to 48, any above; with rank_dedup_rows off (the capacity),
// never once up to the capacity; one unit at a time only while the units fit.
TEST(A2aLlLayoutTest, DispatchSendsFollowsThePaddedRows) {
  A2aLlShape shape = DeepSeekShape(4, 128);
  shape.rank_dedup_rows = 48;
  auto layout = MakeA2aLlLayout(shape);
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_EQ(layout->DispatchSends(0, 512), A2aLlSends::kLinesOneUnit);
  EXPECT_EQ(layout->DispatchSends(16, 512), A2aLlSends::kLinesOneUnit);
  EXPECT_EQ(layout->DispatchSends(17, 512), A2aLlSends::kNotOnce);
  EXPECT_EQ(layout->DispatchSends(48, 512), A2aLlSends::kNotOnce);
  EXPECT_EQ(layout->DispatchSends(49, 512), A2aLlSends::kAny);
  EXPECT_EQ(layout->DispatchSends(128, 512), A2aLlSends::kAny);
  EXPECT_EQ(layout->DispatchSends(16, 239), A2aLlSends::kNotOnce);  // 3,840 units > 16 x 239
  auto off = MakeA2aLlLayout(DeepSeekShape(4, 128));
  ASSERT_TRUE(off.ok()) << off.status();
  EXPECT_EQ(off->shape.rank_dedup_rows, kA2aLlMaxCapacity);
  EXPECT_EQ(off->DispatchSends(128, 512), A2aLlSends::kNotOnce);
}

// kA2aLlLineRowsAuto: a quarter of the SM budget, plus kA2aLlLineRowsAutoExtra from
// kA2aLlLineRowsAutoExtraMinSms SMs up, at most the last argument.
TEST(A2aLlLayoutTest, LineRowsDefaultByTheSmBudget) {
  constexpr int kNever = 128;  // the capacity
  EXPECT_EQ(LineRowsFor(kA2aLlLineRowsAuto, 16, 128, kNever), 4);
  EXPECT_EQ(LineRowsFor(kA2aLlLineRowsAuto, 31, 128, kNever), 7);
  EXPECT_EQ(LineRowsFor(kA2aLlLineRowsAuto, 32, 128, kNever), 16);
  EXPECT_EQ(LineRowsFor(kA2aLlLineRowsAuto, 64, 128, kNever), 24);
  EXPECT_EQ(LineRowsFor(kA2aLlLineRowsAuto, 128, 128, kNever), 40);
  EXPECT_EQ(LineRowsFor(kA2aLlLineRowsAuto, 132, 128, kNever), 41);
  EXPECT_EQ(LineRowsFor(kA2aLlLineRowsAuto, 512, 128, kNever), kA2aLlMaxLineRows);
  EXPECT_EQ(LineRowsFor(kA2aLlLineRowsAuto, 32, 4, kNever), 4);  // capped at the capacity
  EXPECT_EQ(LineRowsFor(kA2aLlLineRowsAuto, 128, 128, 32), 32);
  EXPECT_EQ(LineRowsFor(0, 128, 128, kNever), 0);
  EXPECT_EQ(LineRowsFor(16, 32, 128, kNever), 16);  // an explicit value wins over the budget
  EXPECT_EQ(LineRowsFor(48, 128, 128, 32), 48);     // and over the cap
  EXPECT_EQ(LineRowsFor(16, 32, 8, kNever), 8);
}

// The three thresholds as A2aLl::Create resolves them (line_rows, return_line_rows,
// rank_dedup_rows): with both automatic, lines stop where rows once per rank start (40 rows on 2
// ranks, 32 on more); rank_dedup_rows off or explicit leaves line_rows uncapped and is raised to
// it.
TEST(A2aLlLayoutTest, ThresholdsResolveAsCreateDoes) {
  constexpr int kAuto = kA2aLlLineRowsAuto;
  static_assert(kA2aLlReturnLineRowsAuto == kAuto && kA2aLlRankDedupRowsAuto == kAuto);
  const auto thresholds = [](int line, int back, int dedup, int sms, int capacity, int world) {
    const A2aLlThresholds t = A2aLlThresholdsFor(line, back, dedup, sms, capacity, world);
    return std::tuple(t.line_rows, t.return_line_rows, t.rank_dedup_rows);
  };
  EXPECT_EQ(thresholds(kAuto, kAuto, kAuto, 128, 128, 2), std::tuple(40, 40, 40));
  EXPECT_EQ(thresholds(kAuto, kAuto, kAuto, 132, 128, 2), std::tuple(40, 40, 40));
  EXPECT_EQ(thresholds(kAuto, kAuto, kAuto, 128, 128, 4), std::tuple(32, 32, 32));
  EXPECT_EQ(thresholds(kAuto, kAuto, kAuto, 64, 128, 4), std::tuple(24, 32, 32));
  EXPECT_EQ(thresholds(kAuto, kAuto, kAuto, 32, 128, 8), std::tuple(16, 32, 32));
  EXPECT_EQ(thresholds(kAuto, kAuto, kAuto, 16, 128, 2), std::tuple(4, 16, 40));
  // One rank: no peer, never once, no cap.
  EXPECT_EQ(thresholds(kAuto, kAuto, kAuto, 128, 128, 1), std::tuple(40, 128, 128));
  // Off (one copy per pair): no cap, lines back to max_sms.
  EXPECT_EQ(thresholds(kAuto, kAuto, kA2aLlRankDedupOff, 128, 128, 4), std::tuple(40, 128, 128));
  EXPECT_EQ(thresholds(kAuto, kAuto, kA2aLlRankDedupOff, 32, 128, 2), std::tuple(16, 32, 128));
  // An explicit rank_dedup_rows below the automatic line_rows is raised to it, not the reverse.
  EXPECT_EQ(thresholds(kAuto, kAuto, 0, 128, 128, 2), std::tuple(40, 40, 40));
  EXPECT_EQ(thresholds(kAuto, kAuto, 20, 64, 128, 4), std::tuple(24, 24, 24));
  // Explicit line_rows raise the automatic rank_dedup_rows; lines back never pass it.
  EXPECT_EQ(thresholds(48, kAuto, kAuto, 128, 128, 4), std::tuple(48, 48, 48));
  EXPECT_EQ(thresholds(8, 100, kAuto, 32, 128, 2), std::tuple(8, 40, 40));
  // The capacity caps all three.
  EXPECT_EQ(thresholds(kAuto, kAuto, kAuto, 128, 24, 2), std::tuple(24, 24, 24));
}

// Note [Lines back]: the SM budget unless told otherwise, never below line_rows.
TEST(A2aLlLayoutTest, ReturnLineRowsDefaultToTheSmBudget) {
  EXPECT_EQ(ReturnLineRowsFor(kA2aLlReturnLineRowsAuto, 32, 8, 128), 32);
  EXPECT_EQ(ReturnLineRowsFor(kA2aLlReturnLineRowsAuto, 128, 32, 128), 128);
  EXPECT_EQ(ReturnLineRowsFor(kA2aLlReturnLineRowsAuto, 132, 33, 512), kA2aLlMaxReturnLineRows);
  EXPECT_EQ(ReturnLineRowsFor(kA2aLlReturnLineRowsAuto, 32, 4, 4), 4);  // capped at the capacity
  EXPECT_EQ(ReturnLineRowsFor(0, 32, 0, 128), 0);
  EXPECT_EQ(ReturnLineRowsFor(0, 32, 16, 128), 16);   // raised to line_rows
  EXPECT_EQ(ReturnLineRowsFor(64, 32, 16, 128), 64);  // an explicit value wins over the budget
  EXPECT_EQ(ReturnLineRowsFor(64, 32, 16, 48), 48);
  // A capacity out of range (Create rejects it after) gives line_rows, not a reversed clamp.
  EXPECT_EQ(ReturnLineRowsFor(kA2aLlReturnLineRowsAuto, 32, 0, -5), 0);
}

// Note [Rows once per rank]: by default from kA2aLlRankDedupAutoRows rows, or
// kA2aLlRankDedupAutoRowsTwoRanks on 2 ranks; never when off; raised to line_rows, capped at the
// capacity (which no count exceeds: never).
TEST(A2aLlLayoutTest, RankDedupRowsForAnOption) {
  EXPECT_EQ(RankDedupRowsFor(kA2aLlRankDedupRowsAuto, 8, 128, 4), kA2aLlRankDedupAutoRows);
  EXPECT_EQ(RankDedupRowsFor(kA2aLlRankDedupRowsAuto, 8, 128, 8), kA2aLlRankDedupAutoRows);
  EXPECT_EQ(RankDedupRowsFor(kA2aLlRankDedupRowsAuto, 8, 128, 2), kA2aLlRankDedupAutoRowsTwoRanks);
  EXPECT_EQ(RankDedupRowsFor(kA2aLlRankDedupRowsAuto, 8, 128, 1), 128);  // no peer: never
  EXPECT_EQ(RankDedupRowsFor(kA2aLlRankDedupRowsAuto, 33, 128, 4), 33);  // raised to line_rows
  EXPECT_EQ(RankDedupRowsFor(kA2aLlRankDedupRowsAuto, 16, 32, 4), 32);   // the capacity: never
  EXPECT_EQ(RankDedupRowsFor(kA2aLlRankDedupOff, 16, 128, 4), 128);
  EXPECT_EQ(RankDedupRowsFor(0, 16, 128, 2), 16);
  EXPECT_EQ(RankDedupRowsFor(64, 16, 128, 2), 64);
  EXPECT_EQ(RankDedupRowsFor(200, 16, 128, 4), 128);
  // A capacity out of range (Create rejects it after) gives line_rows, not a reversed clamp.
  EXPECT_EQ(RankDedupRowsFor(kA2aLlRankDedupRowsAuto, 16, -5, 4), 16);
  auto shape = DeepSeekShape(4, 128);
  for (const int rows : {128, 1000, kA2aLlMaxCapacity}) {
    shape.rank_dedup_rows = rows;
    EXPECT_FALSE(shape.rank_dedup()) << rows;
  }
  shape.rank_dedup_rows = 127;
  EXPECT_TRUE(shape.rank_dedup());
}

TEST(A2aLlLayoutTest, NoLinesTakeNoWindow) {
  A2aLlShape shape = DeepSeekShape(4, 128);
  shape.line_rows = 0;
  shape.return_line_rows = 0;
  auto layout = MakeA2aLlLayout(shape);
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->combine_lines_offset, layout->dispatch_lines_offset);
  EXPECT_EQ(layout->window_bytes, layout->combine_lines_offset);
}

// Note [Rows once per rank]: a copy source and a weight per receive row, last, only when some
// source can send rows once (rank_dedup_rows below the capacity).
TEST(A2aLlLayoutTest, RankDedupAddsACopySourceAndAWeightPerReceiveRow) {
  auto without = MakeA2aLlLayout(DeepSeekShape(4, 128));
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->recv_copies_offset, without->window_bytes);
  EXPECT_EQ(without->recv_weights_offset, without->window_bytes);
  A2aLlShape shape = DeepSeekShape(4, 128);
  shape.rank_dedup_rows = 127;
  auto layout = MakeA2aLlLayout(shape);
  ASSERT_TRUE(layout.ok());
  const size_t section = 64u * 4 * 128 * 4;  // already aligned
  EXPECT_EQ(layout->recv_copies_offset, without->window_bytes);
  EXPECT_EQ(layout->recv_weights_offset, layout->recv_copies_offset + section);
  EXPECT_EQ(layout->window_bytes, layout->recv_weights_offset + section);
  EXPECT_EQ(layout->RecvCopy(6, 2, 5), layout->recv_copies_offset + ((6u * 4 + 2) * 128 + 5) * 4);
  EXPECT_EQ(layout->RecvCopy(63, 3, 127) + 4, layout->recv_weights_offset);
  EXPECT_EQ(layout->RecvWeight(6, 2, 5),
            layout->recv_weights_offset + ((6u * 4 + 2) * 128 + 5) * 4);
  EXPECT_EQ(layout->RecvWeight(63, 3, 127) + 4, layout->window_bytes);
}

TEST(A2aLlLayoutTest, OriginsAndFlagWordsRoundTrip) {
  for (int token : {0, 1, 4095, 65535}) {
    for (int k : {0, 7, 15}) {
      EXPECT_EQ(OriginToken(PackOrigin(token, k)), token);
      EXPECT_EQ(OriginK(PackOrigin(token, k)), k);
    }
  }
  for (uint32_t epoch : {1u, 2u, 0xffffffffu}) {
    for (int layer : {0, 60, kA2aLlMaxLayer}) {
      for (int count : {0, 1, 65536}) {
        const uint64_t word = FlagWord(epoch, layer, count);
        EXPECT_EQ(FlagWordCount(word), count);
        EXPECT_EQ(FlagWordTag(word), FlagTag(epoch, layer));
        EXPECT_NE(word, kA2aLlPoisonWord);  // not even at the largest epoch, layer and count
      }
    }
  }
  // Neither another layer nor another epoch matches, and a zeroed word matches nothing live.
  EXPECT_NE(FlagTag(5, 3), FlagTag(5, 4));
  EXPECT_NE(FlagTag(5, 3), FlagTag(6, 3));
  EXPECT_NE(FlagWordTag(0), FlagTag(1, 0));
}

struct BadShape {
  std::string field;
  std::string value_text;
  A2aLlShape shape;
};

TEST(A2aLlLayoutTest, RejectsEveryLimitNamingFieldValueAndLimit) {
  auto with = [](auto edit) {
    A2aLlShape shape = DeepSeekShape(4, 128);
    edit(shape);
    return shape;
  };
  const std::vector<BadShape> cases = {
      {"world", "world = 9", with([](A2aLlShape& s) { s.world = 9; })},
      {"world", "world = 0", with([](A2aLlShape& s) { s.world = 0; })},
      {"num_experts", "num_experts = 258", with([](A2aLlShape& s) { s.num_experts = 258; })},
      {"num_experts", "num_experts = 2048", with([](A2aLlShape& s) { s.num_experts = 2048; })},
      {"top_k", "top_k = 17", with([](A2aLlShape& s) { s.top_k = 17; })},
      {"top_k", "top_k = 0", with([](A2aLlShape& s) { s.top_k = 0; })},
      {"hidden", "hidden = 7170", with([](A2aLlShape& s) { s.hidden = 7170; })},
      {"hidden", "hidden = 0", with([](A2aLlShape& s) { s.hidden = 0; })},
      {"capacity", "capacity = 65537", with([](A2aLlShape& s) { s.capacity = 65537; })},
      {"capacity", "capacity = 0", with([](A2aLlShape& s) { s.capacity = 0; })},
      {"dispatch_parts", "dispatch_parts = 9", with([](A2aLlShape& s) { s.dispatch_parts = 9; })},
      {"dispatch_blocks", "dispatch_blocks = 0",
       with([](A2aLlShape& s) { s.dispatch_blocks = 0; })},
      {"dispatch_blocks", "dispatch_blocks = 1025",
       with([](A2aLlShape& s) { s.dispatch_blocks = kA2aLlMaxDispatchBlocks + 1; })},
      {"combine_group_blocks", "combine_group_blocks = 257",
       with([](A2aLlShape& s) { s.combine_group_blocks = 257; })},
      {"combine_group_blocks", "combine_group_blocks = 0",
       with([](A2aLlShape& s) { s.combine_group_blocks = 0; })},
      {"line_rows", "line_rows = 65", with([](A2aLlShape& s) { s.line_rows = 65; })},
      {"line_rows", "line_rows = -1", with([](A2aLlShape& s) { s.line_rows = -1; })},
      {"line_rows", "line_rows = 9", with([](A2aLlShape& s) {
         s.capacity = 8;
         s.line_rows = 9;
       })},
      {"return_line_rows", "return_line_rows = 8",
       with([](A2aLlShape& s) { s.return_line_rows = 8; })},
      {"return_line_rows", "return_line_rows = 129",
       with([](A2aLlShape& s) { s.return_line_rows = 129; })},
      {"return_line_rows", "return_line_rows = 32", with([](A2aLlShape& s) {
         s.capacity = 16;
         s.return_line_rows = 32;
       })},
      {"rank_dedup_rows", "rank_dedup_rows = 15",
       with([](A2aLlShape& s) { s.rank_dedup_rows = 15; })},
      {"return_line_rows", "return_line_rows = 32", with([](A2aLlShape& s) {
         s.rank_dedup_rows = 24;  // a source above it takes rows back
       })},
      {"rank_dedup_rows", "rank_dedup_rows = 65537",
       with([](A2aLlShape& s) { s.rank_dedup_rows = 65537; })},
  };
  for (const BadShape& bad : cases) {
    auto layout = MakeA2aLlLayout(bad.shape);
    ASSERT_FALSE(layout.ok()) << bad.value_text;
    EXPECT_TRUE(absl::IsInvalidArgument(layout.status()));
    const std::string message(layout.status().message());
    EXPECT_NE(message.find(bad.value_text), std::string::npos) << message;
    EXPECT_NE(message.find("must be"), std::string::npos) << message;
  }
}

TEST(A2aLlLayoutTest, LimitsThemselvesAreAccepted) {
  A2aLlShape shape;
  shape.world = kA2aLlMaxWorld;
  shape.num_experts = kA2aLlMaxExperts;
  shape.top_k = kA2aLlMaxTopK;
  shape.hidden = 8;
  shape.capacity = kA2aLlMaxCapacity;
  shape.dispatch_parts = kA2aLlMaxDispatchParts;
  shape.combine_group_blocks = kA2aLlMaxCombineGroupBlocks;
  shape.line_rows = kA2aLlMaxLineRows;
  shape.return_line_rows = kA2aLlMaxReturnLineRows;
  EXPECT_TRUE(MakeA2aLlLayout(shape).ok());
  shape.world = 1;
  shape.num_experts = 1;
  shape.top_k = 1;
  shape.capacity = 1;
  shape.dispatch_parts = 1;
  shape.combine_group_blocks = 1;
  shape.line_rows = 0;
  shape.return_line_rows = 0;
  EXPECT_TRUE(MakeA2aLlLayout(shape).ok());
}

}  // namespace
}  // namespace padgraph
