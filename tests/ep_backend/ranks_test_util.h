// What the device-API transports' GPU tests share: the GPU count, one thread per rank with every
// rank's status reported, a test over GPU counts that skips, with the reason, where fewer GPUs
// are present than its parameter, and the same over teams of ranks that may be loopback ranks
// (every rank on GPU 0: Note [Loopback ranks] in ep_backend/src/symmetric_window.h), and an
// environment variable set for a test's length.
#pragma once

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <barrier>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "padgraph/ep_backend/a2a_ll_testing.h"
#include "padgraph/graph_runtime/cuda_check.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph::ranks_test {

inline int GpuCount() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess ? count : 0;
}

// Sets an environment variable for its lifetime (for checks that read it, not for CUDA, which read
// it when it started), then puts back what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    setenv(name, value, /*overwrite=*/1);
  }
  ~ScopedEnv() {
    if (had_) {
      setenv(name_, old_.c_str(), /*overwrite=*/1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  bool had_ = false;
  std::string old_;
};

// Note [Loopback ranks]: `create` (a loopback team's Create) run with CUDA_DEVICE_MAX_CONNECTIONS
// set to `queues`, fewer than `world`, fails with InvalidArgument naming the variable and both
// numbers. It must fail before any CUDA call: this runs without a GPU.
template <typename Create>
void ExpectRefusedForTooFewQueues(int world, int queues, Create&& create) {
  const std::string value = std::to_string(queues);
  const ScopedEnv set("CUDA_DEVICE_MAX_CONNECTIONS", value.c_str());
  const auto team = create();
  ASSERT_FALSE(team.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(team.status())) << team.status();
  const std::string message(team.status().message());
  EXPECT_NE(message.find(fmt::format("world = {}", world)), std::string::npos) << message;
  EXPECT_NE(message.find(fmt::format("CUDA_DEVICE_MAX_CONNECTIONS = {} gives {}", queues, queues)),
            std::string::npos)
      << message;
}

// Runs `body(rank, id)` on one thread per GPU and reports every rank's status.
inline void OnRanks(int world, const std::function<absl::Status(int, const ncclUniqueId&)>& body) {
  ncclUniqueId id;
  ASSERT_EQ(ncclGetUniqueId(&id), ncclSuccess);
  std::vector<absl::Status> status(world);
  std::vector<std::thread> threads;
  for (int rank = 0; rank < world; ++rank)
    threads.emplace_back([&, rank] { status[rank] = body(rank, id); });
  for (std::thread& thread : threads)
    thread.join();
  for (int rank = 0; rank < world; ++rank)
    EXPECT_TRUE(status[rank].ok()) << "rank " << rank << ": " << status[rank];
}

// The parameter is the GPU count the test needs.
class GpuCountTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    if (GpuCount() < GetParam()) {
      GTEST_SKIP() << "needs " << GetParam() << " GPUs, found " << GpuCount();
    }
  }
};

// How a test's ranks run: one per GPU over NCCL, or `world` loopback ranks on GPU 0.
struct Team {
  int world = 2;
  bool loopback = false;
};

inline std::string TeamName(const Team& team) {
  return team.loopback ? fmt::format("{}ranks_on_1gpu", team.world)
                       : fmt::format("{}gpus", team.world);
}

inline auto TeamNames() {
  return [](const ::testing::TestParamInfo<Team>& info) { return TeamName(info.param); };
}

// The parameter is the team; loopback ranks need one GPU.
class TeamTest : public ::testing::TestWithParam<Team> {
 protected:
  void SetUp() override {
    const int need = GetParam().loopback ? 1 : GetParam().world;
    if (GpuCount() < need) GTEST_SKIP() << "needs " << need << " GPUs, found " << GpuCount();
  }
};

// Runs `body(rank, id, ranks)` on one thread per rank (OnRanks); `ranks` is a barrier of every
// rank's thread, which a thread leaves when its body returns, so that a rank that fails early
// holds no other up.
inline void OnTeamThreads(
    int world, const std::function<absl::Status(int, const ncclUniqueId&, std::barrier<>*)>& body) {
  std::barrier<> ranks(world);
  OnRanks(world, [&](int rank, const ncclUniqueId& id) -> absl::Status {
    absl::Status status = body(rank, id, &ranks);
    ranks.arrive_and_drop();
    return status;
  });
}

// Runs `body(rank)` on one thread per rank of `team` with each rank's Rank, made by
// `create(rank, id, loopback)`, and tears every Rank down (Rank::Teardown). For loopback ranks,
// `loopback` is that rank's transport from `make_loopback()`, called on GPU 0 once the test
// kernels are loaded and before the threads start; for ranks on their own GPUs it is null.
template <typename Rank, typename Transport>
void OnTeam(const Team& team,
            const std::function<absl::StatusOr<std::vector<Transport>>()>& make_loopback,
            const std::function<absl::StatusOr<Rank>(int, const ncclUniqueId&, Transport*)>& create,
            const std::function<absl::Status(Rank&)>& body) {
  std::vector<Transport> loopback;
  if (team.loopback) {
    ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
    ASSERT_TRUE(LoadTestKernels().ok());
    absl::StatusOr<std::vector<Transport>> made = make_loopback();
    ASSERT_TRUE(made.ok()) << made.status();
    loopback = std::move(*made);
  }
  OnTeamThreads(team.world,
                [&](int rank, const ncclUniqueId& id, std::barrier<>* ranks) -> absl::Status {
                  PADGRAPH_ASSIGN_OR_RETURN(
                      Rank r, create(rank, id, team.loopback ? &loopback[rank] : nullptr));
                  r.team = team;
                  r.ranks = ranks;
                  absl::Status result = body(r);
                  PADGRAPH_RETURN_IF_ERROR(r.Teardown());
                  return result;
                });
  for (Transport& left : loopback)  // a rank whose Rank was never made
    EXPECT_TRUE(left.Destroy().ok());
}

// Loopback ranks wait here for every rank of the team, so that none launches while a peer may
// still allocate, free or instantiate a graph: calls that can wait for the kernels on the GPU,
// which wait for that peer's launches (Note [Loopback ranks]; without it, one run in three of a
// test whose ranks upload inputs and then launch hung at its first layer). Ranks on their own
// GPUs go on.
inline void AllRanksReady(const Team& team, std::barrier<>* ranks) {
  if (team.loopback) ranks->arrive_and_wait();
}

// The outcome both transports' SlowRankMakesEveryRankFail expect of layer 1, which rank 1 started
// three budgets late: every rank's `check` is DeadlineExceeded at layer 1, and rank 1's came at
// once (within half the budget, `ms` after its launch) from a peer's poison.
inline absl::Status CheckSlowRankOutcome(int rank, const absl::Status& check, double ms,
                                         absl::Duration budget) {
  std::printf("[ rank %d ] layer 1 ended after %.1f ms: %s\n", rank, ms, check.ToString().c_str());
  if (!absl::IsDeadlineExceeded(check) || check.message().find("layer 1") == std::string::npos) {
    return absl::InternalError(
        fmt::format("rank {}: wanted DeadlineExceeded at layer 1, got {}", rank, check.ToString()));
  }
  if (rank == 1 && (check.message().find("that its own") == std::string::npos ||
                    ms > 0.5 * absl::ToDoubleMilliseconds(budget))) {
    return absl::InternalError(fmt::format(
        "rank 1 should fail at once on a peer's poison: {} after {} ms", check.ToString(), ms));
  }
  return absl::OkStatus();
}

}  // namespace padgraph::ranks_test
