// SelectKey runs every step on the replay path and must not allocate (STYLE.md rule 4). This binary
// replaces the global operator new to count allocations made while a flag is set.
#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace {
std::atomic<bool> counting{false};
std::atomic<int64_t> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace padgraph {
namespace {

using testing::Config;
using testing::MustMake;
using testing::Preset;

TEST(SelectKeyAllocationTest, SelectKeyAllocatesNothing) {
  ModelSpec model = Preset("deepseek-v3");
  struct Case {
    ParallelConfig config;
    std::vector<int> tokens;
  };
  const std::vector<Case> cases = {
      {Config(16, MoeBackend::kA2aLl), testing::Split(16, 8, 7)},
      {Config(4, MoeBackend::kA2aLl, 4, LmHeadMode::kTp, GatherBackend::kLsa), {3, 0, 9, 20}},
      {Config(4, MoeBackend::kA2aPadded, 4, LmHeadMode::kTp), {3, 0, 9, 20}},
      {Config(4, MoeBackend::kAllGather), {300, 0, 9, 20}},  // eager
      {Config(4, MoeBackend::kA2aLl), {130, 0, 9, 20}},      // eager past ep_capacity
  };
  int checked = 0;
  for (const Case& c : cases) {
    for (PolicyKind kind : kAllPolicies) {
      if (!Validate(c.config, kind, model).ok()) continue;
      std::unique_ptr<Policy> policy = MustMake(kind, model, c.config);
      for (int rank = 0; rank < c.config.world; ++rank) {
        StepShape shape{.rank = rank, .local_tokens = c.tokens[rank], .agreed_tokens = c.tokens};
        allocations = 0;
        counting = true;
        absl::StatusOr<KeySelection> selection = policy->SelectKey(shape);
        counting = false;
        ASSERT_TRUE(selection.ok()) << selection.status();
        EXPECT_EQ(allocations.load(), 0) << PolicyKindName(kind) << " rank " << rank;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 100);
}

TEST(SelectKeyAllocationTest, TheCounterSeesAllocations) {
  counting = true;
  allocations = 0;
  auto* vector = new std::vector<int>(16);
  counting = false;
  EXPECT_GE(allocations.load(), 1);
  delete vector;
}

}  // namespace
}  // namespace padgraph
