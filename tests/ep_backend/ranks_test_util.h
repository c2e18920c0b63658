// What the device-API transports' GPU tests share: the GPU count, one thread per rank with every
// rank's status reported, and a test over GPU counts that skips, with the reason, where fewer GPUs
// are present than its parameter.
#pragma once

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <functional>
#include <thread>
#include <vector>

#include "absl/status/status.h"
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

}  // namespace padgraph::ranks_test
