// Checks, on the machine it runs on, the property that a2a_ll's self-flagged lines rely on
// (ep_backend/src/lines.cuh Note [Self-flagged lines]): a 128-byte line stored by one warp
// instruction over NVLink is never seen torn (the round's tag with an older payload word) by a
// peer GPU polling it as it lands, nor by another SM of the same GPU (a source's own pairs come
// back to it as lines: a2a_ll.h Note [Own pairs as lines]); and that it still holds when one lane
// of the writing warp slept alone in a branch just before, once the warp called __syncwarp()
// (lines.cuh Note [Converged lines]). Two controls must be seen torn: the tag stored first, in a
// separate instruction, across GPUs (the check can see tearing where there is some), and the
// sleeping lane without the __syncwarp() within a GPU (the sleep does split the warp).
#include <cuda_runtime_api.h>

#include "gtest/gtest.h"
#include "padgraph/ep_backend/a2a_ll_testing.h"
#include "ranks_test_util.h"

namespace padgraph {
namespace {

constexpr int kLines = 4096;                    // 512 KiB of lines per round
constexpr int kRounds = 256;                    // about 10^6 lines in all
constexpr uint64_t kBudgetNs = 20'000'000'000;  // generous: a stuck probe fails, never hangs

using ranks_test::GpuCount;

void SkipWithoutPeers() {
  if (GpuCount() < 2) GTEST_SKIP() << "needs 2 GPUs, found " << GpuCount();
  int can = 0;
  ASSERT_EQ(cudaDeviceCanAccessPeer(&can, 0, 1), cudaSuccess);
  if (can == 0) GTEST_SKIP() << "GPUs 0 and 1 cannot access each other's memory";
}

// Every line of the probe from `writer` to `reader` arrives whole.
void ExpectWhole(int writer, int reader, LineWriter how) {
  LineTearingResult result;
  ASSERT_TRUE(RunLineTearingProbe(writer, reader, kLines, kRounds, how, kBudgetNs, &result).ok());
  EXPECT_FALSE(result.timed_out) << writer << " -> " << reader;
  EXPECT_EQ(result.lines_checked, uint64_t{kLines} * kRounds) << writer << " -> " << reader;
  EXPECT_EQ(result.torn_lines, 0u) << writer << " -> " << reader;
}

TEST(LineTearingTest, LinesStoredByOneInstructionArriveWholeAtAPeer) {
  SkipWithoutPeers();
  if (IsSkipped()) return;
  ExpectWhole(0, 1, LineWriter::kOneInstruction);
  ExpectWhole(1, 0, LineWriter::kOneInstruction);
}

TEST(LineTearingTest, LinesStoredByOneInstructionArriveWholeWithinAGpu) {
  if (GpuCount() < 1) GTEST_SKIP() << "needs a GPU";
  ExpectWhole(0, 0, LineWriter::kOneInstruction);
}

TEST(LineTearingTest, LinesArriveWholeAtAPeerAfterALaneSleptAlone) {
  SkipWithoutPeers();
  if (IsSkipped()) return;
  ExpectWhole(0, 1, LineWriter::kLaneZeroSleeps);
}

TEST(LineTearingTest, LinesArriveWholeWithinAGpuAfterALaneSleptAlone) {
  if (GpuCount() < 1) GTEST_SKIP() << "needs a GPU";
  ExpectWhole(0, 0, LineWriter::kLaneZeroSleeps);
}

TEST(LineTearingTest, ALaneThatSleptAloneTearsLinesWithoutSyncwarp) {
  if (GpuCount() < 1) GTEST_SKIP() << "needs a GPU";
  LineTearingResult result;
  ASSERT_TRUE(RunLineTearingProbe(0, 0, kLines, kRounds, LineWriter::kLaneZeroSleepsNoSync,
                                  kBudgetNs, &result)
                  .ok());
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.lines_checked, uint64_t{kLines} * kRounds);
  EXPECT_GT(result.torn_lines, 0u)
      << "the warp ran as one after its lane 0 slept alone: the AfterALaneSleptAlone checks no "
         "longer see a split warp on this machine";
}

TEST(LineTearingTest, TagStoredFirstIsSeenTorn) {
  SkipWithoutPeers();
  if (IsSkipped()) return;
  LineTearingResult result;
  ASSERT_TRUE(
      RunLineTearingProbe(0, 1, kLines, kRounds, LineWriter::kTagFirst, kBudgetNs, &result).ok());
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.lines_checked, uint64_t{kLines} * kRounds);
  EXPECT_GT(result.torn_lines, 0u) << "the check never saw a line torn by construction";
}

}  // namespace
}  // namespace padgraph
