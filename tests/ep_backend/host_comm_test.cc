// The host communicator: data moves between rank threads, and every mismatch that would hang NCCL
// fails fast with a message naming it.
#include "padgraph/ep_backend/host_comm.h"

#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace padgraph {
namespace {

using ::testing::HasSubstr;

// Runs `body(rank)` on one thread per rank and returns each rank's status.
template <typename Body>
std::vector<absl::Status> OnRanks(int world, Body body) {
  std::vector<absl::Status> status(world);
  std::vector<std::thread> threads;
  for (int rank = 0; rank < world; ++rank) {
    threads.emplace_back([&, rank] { status[rank] = body(rank); });
  }
  for (std::thread& thread : threads)
    thread.join();
  return status;
}

HostOpDesc Op(HostOpKind kind, int layer, int64_t elements) {
  return {.kind = kind,
          .layer = layer,
          .elements = elements,
          .mode = StepMode::kGraph,
          .key = GraphKey{.local_bucket = 8}};
}

TEST(HostCommTest, EveryRankReadsEveryPayload) {
  constexpr int kWorld = 4;
  HostWorld world(kWorld);
  std::vector<int> values = {10, 11, 12, 13};
  std::vector<int> sums(kWorld, 0);
  auto status = OnRanks(kWorld, [&](int rank) {
    for (int round = 0; round < 50; ++round) {
      absl::Status s = world.Rendezvous(rank, Op(HostOpKind::kAllGather, round, 1), &values[rank],
                                        [&](absl::Span<const void* const> peers) {
                                          for (const void* p : peers) {
                                            sums[rank] += *static_cast<const int*>(p);
                                          }
                                        });
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  });
  for (int rank = 0; rank < kWorld; ++rank) {
    EXPECT_TRUE(status[rank].ok()) << status[rank];
    EXPECT_EQ(sums[rank], 50 * (10 + 11 + 12 + 13));
  }
}

TEST(HostCommTest, MismatchesFailFastOnEveryRank) {
  struct Row {
    std::string what;
    HostOpDesc rank0, rank1;
    std::string message;
  };
  HostOpDesc other_key = Op(HostOpKind::kAllGather, 3, 64);
  other_key.key->local_bucket = 16;
  HostOpDesc eager = Op(HostOpKind::kAllGather, 3, 64);
  eager.mode = StepMode::kEager;
  eager.key.reset();
  const std::vector<Row> rows = {
      {"kind", Op(HostOpKind::kAllGather, 3, 64), Op(HostOpKind::kSendRecv, 3, 64),
       "rank 0 issued all_gather (layer 3"},
      {"layer", Op(HostOpKind::kAllGather, 3, 64), Op(HostOpKind::kAllGather, 5, 64),
       "rank 1 issued all_gather (layer 5"},
      {"size", Op(HostOpKind::kAllGather, 3, 64), Op(HostOpKind::kAllGather, 3, 32), "32 elements"},
      {"key", Op(HostOpKind::kAllGather, 3, 64), other_key, "key local 16"},
      {"mode", Op(HostOpKind::kAllGather, 3, 64), eager, "eager"},
  };
  for (const Row& row : rows) {
    HostWorld world(2);
    auto status = OnRanks(2, [&](int rank) {
      absl::Status first = world.Rendezvous(rank, rank == 0 ? row.rank0 : row.rank1, nullptr,
                                            [](absl::Span<const void* const>) {});
      // Every later operation fails at once too.
      absl::Status later =
          world.Rendezvous(rank, row.rank0, nullptr, [](absl::Span<const void* const>) {});
      EXPECT_FALSE(later.ok());
      return first;
    });
    for (const absl::Status& s : status) {
      EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << row.what;
      EXPECT_THAT(std::string(s.message()), HasSubstr("collective mismatch")) << row.what;
      EXPECT_THAT(std::string(s.message()), HasSubstr(row.message)) << row.what;
    }
  }
}

TEST(HostCommTest, DeviceApiOperationsMayDifferInSizeAndKey) {
  HostWorld world(2);
  auto status = OnRanks(2, [&](int rank) {
    HostOpDesc desc = Op(HostOpKind::kDispatch, 4, rank == 0 ? 8 : 0);
    desc.key->local_bucket = rank == 0 ? 8 : 1;
    return world.Rendezvous(rank, desc, nullptr, [](absl::Span<const void* const>) {});
  });
  EXPECT_TRUE(status[0].ok()) << status[0];
  EXPECT_TRUE(status[1].ok()) << status[1];
}

TEST(HostCommTest, AMissingRankIsReportedAfterTheTimeout) {
  HostWorld world(3, absl::Milliseconds(200));
  auto status = OnRanks(3, [&](int rank) -> absl::Status {
    if (rank == 2) return absl::OkStatus();  // skips the step
    return world.Rendezvous(rank, Op(HostOpKind::kAllGather, 1, 8), nullptr,
                            [](absl::Span<const void* const>) {});
  });
  for (int rank : {0, 1}) {
    EXPECT_EQ(status[rank].code(), absl::StatusCode::kDeadlineExceeded);
    EXPECT_THAT(std::string(status[rank].message()), HasSubstr("ranks [2] did not arrive"));
  }
}

}  // namespace
}  // namespace padgraph
