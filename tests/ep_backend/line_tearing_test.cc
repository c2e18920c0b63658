// Checks, on the machine it runs on, the property that a2a_ll's self-flagged lines rely on
// (ep_backend/src/lines.cuh Note [Self-flagged lines]): a 128-byte line stored by one warp
// instruction over NVLink is never seen torn (the round's tag with an older payload word) by a
// peer GPU polling it as it lands, nor by another SM of the same GPU (a source's own pairs come
// back to it as lines: a2a_ll.h Note [Own pairs as lines]); and that it still holds when one lane
// of the writing warp slept alone in a branch just before (lines.cuh Note [Converged lines]). A
// control stores the tag first, in a separate instruction, and must be seen torn across GPUs: it
// shows that the check can see tearing where there is some.
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
