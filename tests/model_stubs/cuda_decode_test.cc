// The stub decoder on one GPU through CudaGraphRunner: every policy against the float64 reference
// (bf16 weights) with 150 steps queued before any result is read, graph replay equal to the same
// plan launched kernel by kernel, bit for bit, and eager steps that launch no graph.
#include <cuda_runtime_api.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "padgraph/graph_runtime/cuda_runner.h"
#include "padgraph/model_stubs/cuda_decoder.h"
#include "padgraph/model_stubs/reference.h"
#include "padgraph/padding_policy/policy.h"

namespace padgraph {
namespace {

constexpr uint64_t kSeed = 11;
constexpr int kMaxStepTokens = 64;
constexpr int kQueuedSteps = 150;
// bf16 activations against float64: relative L2 error of a row's logits.
constexpr double kRelativeTolerance = 3e-2;
// Probability gap under which a different top-k choice counts as a near tie.
constexpr double kTieTolerance = 5e-3;

bool HaveGpu(std::string* why) {
  int count = 0;
  cudaError_t error = cudaGetDeviceCount(&count);
  if (error != cudaSuccess || count == 0) {
    *why = error != cudaSuccess ? cudaGetErrorString(error) : "no CUDA device";
    return false;
  }
  return true;
}

ParallelConfig OneGpuConfig() {
  ParallelConfig config;
  config.buckets = {1, 2, 4, 8, 16, 24, 32};
  config.ep_capacity = 32;
  return config;
}

struct Fixture {
  CudaStream stream;
  std::unique_ptr<CudaDecoder> decoder;
  std::unique_ptr<CudaGraphRunner> runner;
  std::vector<int> tokens;
};

// On the heap: the runner's hooks keep pointers into it.
absl::StatusOr<std::unique_ptr<Fixture>> MakeFixture(PolicyKind kind,
                                                     const ParallelConfig& config) {
  auto fixture = std::make_unique<Fixture>();
  Fixture& f = *fixture;
  ModelSpec model = *ModelPreset("tiny");
  auto stream = MakeStream();
  if (!stream.ok()) return stream.status();
  f.stream = *std::move(stream);
  auto decoder = CudaDecoder::Create(model, kSeed, config, /*rank=*/0, /*comm=*/nullptr,
                                     kMaxStepTokens, f.stream.get());
  if (!decoder.ok()) return decoder.status();
  f.decoder = *std::move(decoder);
  auto policy = MakePolicy(kind, model, config);
  if (!policy.ok()) return policy.status();
  CudaDecoder* raw = f.decoder.get();
  std::vector<int>* tokens = &f.tokens;
  auto runner = CudaGraphRunner::Create(
      *std::move(policy), f.stream.get(),
      [raw](const CudaForwardArgs& args) { return raw->Forward(args); },
      [raw, tokens](const StageArgs& args) { return raw->Stage(args, *tokens); },
      {.static_buffers = raw->static_buffers()});
  if (!runner.ok()) return runner.status();
  f.runner = *std::move(runner);
  if (absl::Status status = f.runner->Capture(); !status.ok()) return status;
  return fixture;
}

TEST(CudaDecodeTest, EveryPolicyMatchesTheReferenceWithStepsQueued) {
  std::string why;
  if (!HaveGpu(&why)) GTEST_SKIP() << "needs a GPU: " << why;
  const ModelSpec model = *ModelPreset("tiny");
  auto reference = ReferenceModel::Create(StubWeights(model, kSeed, WeightPrecision::kBf16));
  ASSERT_TRUE(reference.ok()) << reference.status();
  const int vocab = static_cast<int>(model.dims.vocab);

  for (PolicyKind kind : kAllPolicies) {
    SCOPED_TRACE(std::string(PolicyKindName(kind)));
    // The Fixture's stream must outlive the runner and decoder: it is declared first.
    auto fixture = MakeFixture(kind, OneGpuConfig());
    ASSERT_TRUE(fixture.ok()) << fixture.status();
    Fixture& f = **fixture;

    std::mt19937 rng(kSeed + static_cast<int>(kind));
    std::vector<std::vector<int>> step_tokens(kQueuedSteps);
    for (auto& tokens : step_tokens) {
      int n = std::uniform_int_distribution<int>(0, 10)(rng) == 0
                  ? std::uniform_int_distribution<int>(33, kMaxStepTokens)(rng)  // eager
                  : std::uniform_int_distribution<int>(0, 32)(rng);
      for (int i = 0; i < n; ++i)
        tokens.push_back(std::uniform_int_distribution<int>(0, vocab - 1)(rng));
    }
    // Every step's logits and routing are copied aside on the stream; nothing is read until all
    // steps are queued.
    const size_t logits_per_step = static_cast<size_t>(kMaxStepTokens) * vocab;
    const size_t routing_per_step = f.decoder->routing_record_ints();
    void* saved_logits = nullptr;
    void* saved_routing = nullptr;
    ASSERT_EQ(cudaMalloc(&saved_logits, kQueuedSteps * logits_per_step * sizeof(float)),
              cudaSuccess);
    ASSERT_EQ(cudaMalloc(&saved_routing, kQueuedSteps * routing_per_step * sizeof(int)),
              cudaSuccess);
    float* all_logits = static_cast<float*>(saved_logits);
    int* all_routing = static_cast<int*>(saved_routing);
    int64_t eager_steps = 0;
    for (int step = 0; step < kQueuedSteps; ++step) {
      f.tokens = step_tokens[step];
      std::vector<int> counts = {static_cast<int>(f.tokens.size())};
      int64_t launches = f.runner->stats().graph_launches;
      absl::Status status =
          f.runner->Step({.rank = 0, .local_tokens = counts[0], .agreed_tokens = counts});
      ASSERT_TRUE(status.ok()) << status;
      if (f.runner->stats().last_mode == StepMode::kEager) {
        ++eager_steps;
        EXPECT_EQ(f.runner->stats().graph_launches, launches) << "an eager step launched a graph";
      }
      ASSERT_EQ(cudaMemcpyAsync(all_logits + step * logits_per_step, f.decoder->logits_device(),
                                counts[0] * vocab * sizeof(float), cudaMemcpyDeviceToDevice,
                                f.stream.get()),
                cudaSuccess);
      ASSERT_EQ(
          cudaMemcpyAsync(all_routing + step * routing_per_step, f.decoder->routing_device(),
                          routing_per_step * sizeof(int), cudaMemcpyDeviceToDevice, f.stream.get()),
          cudaSuccess);
    }
    EXPECT_GT(eager_steps, 0);
    std::vector<float> host(kQueuedSteps * logits_per_step);
    ASSERT_EQ(cudaStreamSynchronize(f.stream.get()), cudaSuccess);
    ASSERT_EQ(
        cudaMemcpy(host.data(), all_logits, host.size() * sizeof(float), cudaMemcpyDeviceToHost),
        cudaSuccess);
    std::vector<int> host_routing(kQueuedSteps * routing_per_step);
    ASSERT_EQ(cudaMemcpy(host_routing.data(), all_routing, host_routing.size() * sizeof(int),
                         cudaMemcpyDeviceToHost),
              cudaSuccess);
    cudaFree(saved_logits);
    cudaFree(saved_routing);
    const int top_k = static_cast<int>(model.dims.top_k);
    const int moe_layers = static_cast<int>(routing_per_step / (kMaxStepTokens * top_k));

    int rows = 0, ties = 0;
    double worst = 0;
    RowChecker checker(*reference, kRelativeTolerance, kTieTolerance);
    for (int step = 0; step < kQueuedSteps; ++step) {
      for (size_t row = 0; row < step_tokens[step].size(); ++row) {
        const RowComparison check =
            checker.Compare(step_tokens[step][row], &host[step * logits_per_step + row * vocab],
                            RoutingOfRow(&host_routing[step * routing_per_step], moe_layers,
                                         kMaxStepTokens, top_k, static_cast<int>(row)));
        ties += check.ties_taken > 0;
        worst = std::max(worst, check.relative_error);
        ASSERT_LE(check.relative_error, kRelativeTolerance) << "step " << step << " row " << row;
        ++rows;
      }
    }
    EXPECT_GT(rows, 1000);
    std::printf("[ %s ] %d rows checked, worst relative error %.2e, near ties taken %d\n",
                std::string(PolicyKindName(kind)).c_str(), rows, worst, ties);
  }
}

TEST(CudaDecodeTest, GraphReplayEqualsTheSamePlanLaunchedEagerlyBitForBit) {
  std::string why;
  if (!HaveGpu(&why)) GTEST_SKIP() << "needs a GPU: " << why;
  auto fixture = MakeFixture(PolicyKind::kLocal, OneGpuConfig());
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  Fixture& f = **fixture;
  const int vocab = static_cast<int>(ModelPreset("tiny")->dims.vocab);
  std::mt19937 rng(3);
  for (int trial = 0; trial < 20; ++trial) {
    int n = std::uniform_int_distribution<int>(1, 32)(rng);
    f.tokens.clear();
    for (int i = 0; i < n; ++i)
      f.tokens.push_back(std::uniform_int_distribution<int>(0, vocab - 1)(rng));
    std::vector<int> counts = {n};
    StepShape shape{.rank = 0, .local_tokens = n, .agreed_tokens = counts};
    ASSERT_TRUE(f.runner->Step(shape).ok());
    auto replayed = f.decoder->ReadLogits(n);
    ASSERT_TRUE(f.runner->StepWithoutGraph(shape).ok());
    auto launched = f.decoder->ReadLogits(n);
    ASSERT_TRUE(replayed.ok() && launched.ok());
    ASSERT_EQ(replayed->size(), launched->size());
    EXPECT_EQ(std::memcmp(replayed->data(), launched->data(), replayed->size() * sizeof(float)), 0)
        << "trial " << trial << ": " << n << " tokens";
  }
  EXPECT_EQ(f.runner->stats().graph_launches, 20);
  EXPECT_EQ(f.runner->stats().uncaptured_runs, 20);
}

TEST(CudaDecodeTest, CaptureReportsEveryGraph) {
  std::string why;
  if (!HaveGpu(&why)) GTEST_SKIP() << "needs a GPU: " << why;
  auto fixture = MakeFixture(PolicyKind::kMax, OneGpuConfig());
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  const auto& captures = (*fixture)->runner->captures();
  ASSERT_EQ(captures.size(), 7u);
  EXPECT_EQ(captures.front().key.local_bucket, 32);  // largest first
  for (const CaptureReport& report : captures)
    EXPECT_GT(report.nodes, 10u);
}

}  // namespace
}  // namespace padgraph
