// The watchdog of cuda_runner.h (Note [Watchdog], DESIGN.md rule 3) on two GPUs with a2a_padded:
// rank 1 skips a step, so rank 0's captured send/recv never completes. Rank 0's Synchronize must
// return DeadlineExceeded once the wait budget has passed (and not long after), having aborted the
// communicator; its next Step fails at once. Rank 1's next step then waits on an aborted peer and
// fails the same way. Both tear down: runner (graphs, then the abort) first, then the handle.
// Progress lines go to stderr, so a hang shows where it stopped.
#include <cuda_runtime_api.h>
#include <nccl.h>

#include <barrier>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "padgraph/ep_backend/nccl_comm.h"
#include "padgraph/graph_runtime/cuda_runner.h"
#include "padgraph/model_stubs/cuda_decoder.h"
#include "padgraph/padding_policy/policy.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph {
namespace {

constexpr int kWorld = 2;
constexpr absl::Duration kBudget = absl::Milliseconds(300);
// Revoking and the poll's back-off may add to the budget; a wait that took longer than this is a
// watchdog that did not fire.
constexpr absl::Duration kSlack = absl::Seconds(2);
constexpr int kStepsToFail = 4;

struct RankResult {
  absl::Status setup;
  absl::Status skipped_step_sync;  // rank 0: the Synchronize after the step rank 1 skipped
  absl::Duration skipped_step_wait;
  absl::Status next_step;  // the Step after that
  absl::Status next_sync;  // rank 1: the Synchronize of its next step
  absl::Duration next_sync_wait;
  bool aborted = false;
  absl::Status teardown;
};

void Progress(int rank, const std::string& what) {
  static const absl::Time start = absl::Now();
  std::fprintf(stderr, "[watchdog] %8.1f ms rank %d: %s\n",
               absl::ToDoubleMilliseconds(absl::Now() - start), rank, what.c_str());
}

void RunRank(int rank, const ncclUniqueId& id, std::barrier<>& sync_point, RankResult& result) {
  const ModelSpec model = *ModelPreset("tiny");
  ParallelConfig config;
  config.world = config.dp = kWorld;
  config.moe = MoeBackend::kA2aPadded;
  config.buckets = {1, 2, 4, 8};
  config.ep_capacity = 8;
  auto comm = [&]() -> absl::StatusOr<NcclComm> {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(rank));
    return NcclComm::InitRank(kWorld, rank, id);
  }();
  if (!comm.ok()) {
    result.setup = comm.status();
    sync_point.arrive_and_drop();
    return;
  }
  std::vector<int> tokens = {5, 6, 7};
  const std::vector<int> counts(kWorld, 3);
  const StepShape shape{.rank = rank, .local_tokens = 3, .agreed_tokens = counts};
  auto timed_sync = [](CudaGraphRunner& runner, absl::Duration& waited) {
    const absl::Time start = absl::Now();
    absl::Status status = runner.Synchronize();
    waited = absl::Now() - start;
    return status;
  };
  {
    std::unique_ptr<CudaGraphRunner> runner;
    CudaStream stream;
    std::unique_ptr<CudaDecoder> decoder;
    result.setup = [&]() -> absl::Status {
      PADGRAPH_ASSIGN_OR_RETURN(stream, MakeStream());
      PADGRAPH_ASSIGN_OR_RETURN(
          decoder, CudaDecoder::Create(model, 3, config, rank, comm->get(), 8, stream.get()));
      PADGRAPH_ASSIGN_OR_RETURN(auto policy, MakePolicy(PolicyKind::kMax, model, config));
      CudaDecoder* raw = decoder.get();
      PADGRAPH_ASSIGN_OR_RETURN(
          runner, CudaGraphRunner::Create(
                      std::move(policy), stream.get(),
                      [raw](const CudaForwardArgs& a) { return raw->Forward(a); },
                      [raw, &tokens](const StageArgs& a) { return raw->Stage(a, tokens); },
                      {.static_buffers = raw->static_buffers(),
                       .comm = comm->get(),
                       .wait_budget = kBudget}));
      PADGRAPH_RETURN_IF_ERROR(runner->Capture());
      // Two good steps together.
      for (int step = 0; step < 2; ++step)
        PADGRAPH_RETURN_IF_ERROR(runner->Step(shape));
      return runner->Synchronize();
    }();
    if (!result.setup.ok()) {
      sync_point.arrive_and_drop();
      return;
    }
    sync_point.arrive_and_wait();  // both ranks ready
    Progress(rank, "set up");
    if (rank == 0) {
      // Rank 1 skips this step.
      result.next_step = runner->Step(shape);
      if (result.next_step.ok()) {
        result.skipped_step_sync = timed_sync(*runner, result.skipped_step_wait);
        Progress(rank, fmt::format("synchronize after the skipped step: {}",
                                   result.skipped_step_sync.ToString()));
        result.next_step = runner->Step(shape);
      }
      sync_point.arrive_and_wait();  // rank 0 has expired
    } else {
      sync_point.arrive_and_wait();
      // The peer aborted its communicator. A step may still complete on rows the peer sent before
      // it stopped; within a few steps one waits on the peer and fails.
      for (int step = 0; step < kStepsToFail && result.next_sync.ok(); ++step) {
        absl::Status stepped = runner->Step(shape);
        result.next_sync = stepped.ok() ? timed_sync(*runner, result.next_sync_wait) : stepped;
        Progress(rank, fmt::format("step after the peer's abort: {}", result.next_sync.ToString()));
      }
      result.next_step = runner->Step(shape);
    }
    result.aborted = runner->communicator_aborted();
    Progress(rank, "destroying the runner");
    runner.reset();  // graphs before the communicator; joins the abort
  }
  Progress(rank, "runner destroyed");
  if (result.aborted) {
    comm->ReleaseAborted();
  } else {
    result.teardown = comm->Finalize();
  }
  Progress(rank, "done");
}

TEST(NcclWatchdogTest, ASkippedStepFailsEveryRankWithinTheBudget) {
  int gpus = 0;
  if (cudaGetDeviceCount(&gpus) != cudaSuccess || gpus < kWorld) {
    GTEST_SKIP() << "needs " << kWorld << " GPUs, found " << gpus;
  }
  ncclUniqueId id;
  ASSERT_EQ(ncclGetUniqueId(&id), ncclSuccess);
  std::barrier<> sync_point(kWorld);
  std::vector<RankResult> results(kWorld);
  std::vector<std::thread> threads;
  for (int rank = 0; rank < kWorld; ++rank) {
    threads.emplace_back([&, rank] { RunRank(rank, id, sync_point, results[rank]); });
  }
  for (std::thread& thread : threads)
    thread.join();
  for (int rank = 0; rank < kWorld; ++rank) {
    ASSERT_TRUE(results[rank].setup.ok()) << "rank " << rank << ": " << results[rank].setup;
  }
  const RankResult& waiting = results[0];
  EXPECT_EQ(waiting.skipped_step_sync.code(), absl::StatusCode::kDeadlineExceeded)
      << waiting.skipped_step_sync;
  EXPECT_GE(waiting.skipped_step_wait, kBudget);
  EXPECT_LE(waiting.skipped_step_wait, kBudget + kSlack);
  EXPECT_EQ(waiting.next_step.code(), absl::StatusCode::kDeadlineExceeded) << waiting.next_step;
  const RankResult& skipper = results[1];
  EXPECT_EQ(skipper.next_sync.code(), absl::StatusCode::kDeadlineExceeded) << skipper.next_sync;
  EXPECT_LE(skipper.next_sync_wait, 2 * kBudget + kSlack);
  EXPECT_EQ(skipper.next_step.code(), absl::StatusCode::kDeadlineExceeded) << skipper.next_step;
  for (int rank = 0; rank < kWorld; ++rank) {
    EXPECT_TRUE(results[rank].aborted) << "rank " << rank;
    EXPECT_TRUE(results[rank].teardown.ok()) << "rank " << rank << ": " << results[rank].teardown;
  }
  std::printf("[ watchdog ] rank 0 failed after %s, rank 1 after %s (budget %s)\n",
              absl::FormatDuration(waiting.skipped_step_wait).c_str(),
              absl::FormatDuration(skipper.next_sync_wait).c_str(),
              absl::FormatDuration(kBudget).c_str());
}

}  // namespace
}  // namespace padgraph
