// The lsa_gather plan (lsa_gather_layout.h): window offsets and sizes, alignment, sections that
// never overlap, the split of the SM budget and of a copy over a group's blocks, and the limits,
// each rejected naming the field, the value and the limit.
#include "padgraph/ep_backend/lsa_gather_layout.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace padgraph {
namespace {

constexpr int kH100Sms = 132;

// DeepSeek-V3 on 8 ranks: bf16 hidden rows of 7168 gathered, fp32 vocab shards of 129280 / 8
// returned; the widest row sizes the transport.
LsaGatherOptions DeepSeekOptions() {
  LsaGatherOptions options;
  options.row_bytes = 129280 / 8 * 4;  // 64,640
  options.slot_rows = 256;
  options.max_sms = 32;
  return options;
}

TEST(LsaGatherLayoutTest, SectionsFollowEachOtherAligned) {
  auto layout = MakeLsaGatherLayout(8, kH100Sms, DeepSeekOptions());
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_EQ(layout->world, 8);
  EXPECT_EQ(layout->group_blocks, 4);
  EXPECT_EQ(layout->blocks(), 32);
  EXPECT_EQ(layout->slot_bytes(), 256u * 64640);
  EXPECT_EQ(layout->rows_offset, 0u);
  // Two buffers of eight slots, already 4096-aligned (256 x 64640 = 4040 x 4096).
  EXPECT_EQ(layout->flags_offset, 2u * 8 * 256 * 64640);
  // 2 x 8 x 4 words of 8 bytes: one aligned section.
  EXPECT_EQ(layout->window_bytes, layout->flags_offset + 4096);
  for (size_t offset : {layout->rows_offset, layout->flags_offset, layout->window_bytes}) {
    EXPECT_EQ(offset % kLsaGatherSectionAlign, 0u);
  }
}

TEST(LsaGatherLayoutTest, UnalignedSizesAreRoundedUp) {
  LsaGatherOptions options;
  options.row_bytes = 48;
  options.slot_rows = 3;
  options.max_sms = 7;  // 3 blocks per peer on 2 ranks; one SM unused
  auto layout = MakeLsaGatherLayout(2, kH100Sms, options);
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_EQ(layout->group_blocks, 3);
  EXPECT_EQ(layout->blocks(), 6);
  EXPECT_EQ(layout->slot_bytes(), 144u);
  EXPECT_EQ(layout->flags_offset, 4096u);  // 2 x 2 x 144 bytes, rounded up
  EXPECT_EQ(layout->window_bytes, 8192u);  // 2 x 2 x 3 words, rounded up
}

TEST(LsaGatherLayoutTest, SlotsAndFlagsTileTheirSectionsWithoutOverlap) {
  for (int world : {1, 2, 4, 8}) {
    LsaGatherOptions options = DeepSeekOptions();
    options.max_sms = 3 * world;
    auto layout = MakeLsaGatherLayout(world, kH100Sms, options);
    ASSERT_TRUE(layout.ok()) << layout.status();
    // Every slot starts where the previous one ends, in [buffer][source] order, and the last one
    // ends before the flags; every flag word likewise, the last one inside the window.
    size_t next = layout->rows_offset;
    for (int buffer = 0; buffer < kLsaGatherBuffers; ++buffer) {
      for (int source = 0; source < world; ++source) {
        EXPECT_EQ(layout->SlotOffset(buffer, source), next) << buffer << " " << source;
        EXPECT_EQ(layout->SlotOffset(buffer, source) % kLsaGatherRowBytesMultiple, 0u);
        next += layout->slot_bytes();
      }
    }
    EXPECT_LE(next, layout->flags_offset);
    next = layout->flags_offset;
    for (int buffer = 0; buffer < kLsaGatherBuffers; ++buffer) {
      for (int source = 0; source < world; ++source) {
        for (int block = 0; block < layout->group_blocks; ++block) {
          EXPECT_EQ(layout->FlagOffset(buffer, source, block), next);
          next += sizeof(uint64_t);
        }
      }
    }
    EXPECT_LE(next, layout->window_bytes);
  }
}

TEST(LsaGatherLayoutTest, LaunchesAlternateBuffers) {
  EXPECT_EQ(LsaGatherBufferOf(1), 1);
  EXPECT_EQ(LsaGatherBufferOf(2), 0);
  EXPECT_EQ(LsaGatherBufferOf(3), 1);
  // Still alternating across the 32-bit wrap.
  EXPECT_EQ(LsaGatherBufferOf(0xffffffffu), 1);
  EXPECT_EQ(LsaGatherBufferOf(0xffffffffu + 1u), 0);
}

// Every word of a flat copy goes to exactly one block of the group, and the counts per block add
// up to the copy.
TEST(LsaGatherLayoutTest, ShareWordsSplitACopyExactly) {
  constexpr int kThreads = kLsaGatherThreadsPerBlock;
  for (int shares : {1, 2, 3, 16}) {
    for (size_t words : {size_t{0}, size_t{1}, size_t{kThreads - 1}, size_t{kThreads},
                         size_t{kThreads + 1}, size_t{3 * kThreads * 5 + 17}, size_t{1 << 20}}) {
      std::vector<size_t> counted(shares, 0);
      for (size_t w = 0; w < words; ++w)
        ++counted[w / kThreads % shares];
      size_t total = 0;
      for (int share = 0; share < shares; ++share) {
        EXPECT_EQ(LsaGatherShareWords(words, share, shares, kThreads), counted[share])
            << words << " words, share " << share << " of " << shares;
        total += LsaGatherShareWords(words, share, shares, kThreads);
      }
      EXPECT_EQ(total, words);
    }
  }
}

TEST(LsaGatherLayoutTest, FlagWordsCarryEveryRealCount) {
  for (int count : {0, 1, kLsaGatherMaxSlotRows}) {
    const uint64_t word = FlagWord(0xffffffffu, kLsaGatherMaxLayer, count);
    EXPECT_EQ(FlagWordCount(word), count);
    EXPECT_EQ(FlagWordTag(word), FlagTag(0xffffffffu, kLsaGatherMaxLayer));
    EXPECT_NE(word, kA2aLlPoisonWord);
  }
}

struct BadOptions {
  std::string value_text;  // "field = value"
  int world;
  LsaGatherOptions options;
};

TEST(LsaGatherLayoutTest, RejectsEveryLimitNamingFieldValueAndLimit) {
  auto with = [](auto edit) {
    LsaGatherOptions options = DeepSeekOptions();
    edit(options);
    return options;
  };
  const LsaGatherOptions good = DeepSeekOptions();
  const std::vector<BadOptions> cases = {
      {"world = 0", 0, good},
      {"world = 9", 9, good},
      {"row_bytes = 0", 8, with([](LsaGatherOptions& o) { o.row_bytes = 0; })},
      {"row_bytes = 24", 8, with([](LsaGatherOptions& o) { o.row_bytes = 24; })},
      {"row_bytes = 1048592", 8,
       with([](LsaGatherOptions& o) { o.row_bytes = kLsaGatherMaxRowBytes + 16; })},
      {"slot_rows = 0", 8, with([](LsaGatherOptions& o) { o.slot_rows = 0; })},
      {"slot_rows = 65537", 8, with([](LsaGatherOptions& o) { o.slot_rows = 65537; })},
      {"max_sms = 7", 8, with([](LsaGatherOptions& o) { o.max_sms = 7; })},
      {"max_sms = 133", 8, with([](LsaGatherOptions& o) { o.max_sms = kH100Sms + 1; })},
      {"jitter_max_ns = 1000001", 8,
       with([](LsaGatherOptions& o) { o.jitter_max_ns = kLsaGatherMaxJitterNs + 1; })},
  };
  for (const BadOptions& bad : cases) {
    auto layout = MakeLsaGatherLayout(bad.world, kH100Sms, bad.options);
    ASSERT_FALSE(layout.ok()) << bad.value_text;
    EXPECT_TRUE(absl::IsInvalidArgument(layout.status()));
    const std::string message(layout.status().message());
    EXPECT_NE(message.find("lsa_gather: " + bad.value_text), std::string::npos) << message;
    EXPECT_NE(message.find("must be"), std::string::npos) << message;
  }
}

// max_sms is bounded by the SM count and by kLsaGatherMaxGroupBlocks blocks per peer, whichever
// is smaller.
TEST(LsaGatherLayoutTest, MaxSmsLimitIsTheSmallerOfTheDeviceAndTheGroupLimit) {
  LsaGatherOptions options = DeepSeekOptions();
  options.max_sms = kLsaGatherMaxGroupBlocks + 1;
  EXPECT_TRUE(MakeLsaGatherLayout(2, 1000, options).ok());
  EXPECT_FALSE(MakeLsaGatherLayout(1, 1000, options).ok());
  options.max_sms = kLsaGatherMaxGroupBlocks;
  auto layout = MakeLsaGatherLayout(1, 1000, options);
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_EQ(layout->group_blocks, kLsaGatherMaxGroupBlocks);
}

TEST(LsaGatherLayoutTest, LimitsThemselvesAreAccepted) {
  LsaGatherOptions options;
  options.row_bytes = kLsaGatherMaxRowBytes;
  options.slot_rows = 1;
  options.max_sms = kH100Sms;
  options.jitter_max_ns = kLsaGatherMaxJitterNs;
  EXPECT_TRUE(MakeLsaGatherLayout(kLsaGatherMaxWorld, kH100Sms, options).ok());
  options.row_bytes = kLsaGatherRowBytesMultiple;
  options.slot_rows = kLsaGatherMaxSlotRows;
  options.max_sms = 1;
  options.jitter_max_ns = 0;
  EXPECT_TRUE(MakeLsaGatherLayout(1, kH100Sms, options).ok());
}

}  // namespace
}  // namespace padgraph
