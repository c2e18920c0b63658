// What the device-API transports' GPU tests share: the GPU count, one thread per rank with every
// rank's status reported, a test over GPU counts that skips, with the reason, where fewer GPUs
// are present than its parameter, and the same over teams of ranks that may be loopback ranks
// (every rank on GPU 0: Note [Loopback ranks] in ep_backend/src/symmetric_window.h).
#pragma once

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <barrier>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "fmt/format.h"
#include "gtest/gtest.h"

namespace padgraph::ranks_test {

inline int GpuCount() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess ? count : 0;
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

// Loopback ranks wait here for every rank of the team, so that none launches while a peer may
// still allocate, free or instantiate a graph: calls that can wait for the kernels on the GPU,
// which wait for that peer's launches (Note [Loopback ranks]; without it, one run in three of a
// test whose ranks upload inputs and then launch hung at its first layer). Ranks on their own
// GPUs go on.
inline void AllRanksReady(const Team& team, std::barrier<>* ranks) {
  if (team.loopback) ranks->arrive_and_wait();
}

}  // namespace padgraph::ranks_test
