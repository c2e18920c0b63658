// Host time of one decode Step on one GPU through CudaGraphRunner: select the key, stage the
// step's rows (token ids and counts) and launch the graph, without waiting for the device. Each
// Step is timed on its own with the device idle (the device is synchronized between Steps,
// outside the timed region): with many graphs queued the host measures the device's backlog
// instead of its own work. The
// model is deepseek-v3-small: DeepSeek-V3's 61 decoder layers and kernels per layer with reduced
// dims; counts cycle through 1..256 so every default bucket is replayed. Also reports capture
// time and graph memory for all buckets. Before reporting, one step is checked against the
// float64 reference.
#include <benchmark/benchmark.h>
#include <cuda_runtime_api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <vector>

#include "padgraph/graph_runtime/cuda_runner.h"
#include "padgraph/model_stubs/cuda_decoder.h"
#include "padgraph/model_stubs/reference.h"

namespace padgraph {
namespace {

constexpr uint64_t kSeed = 5;

struct Setup {
  CudaStream stream;
  std::unique_ptr<CudaDecoder> decoder;
  std::unique_ptr<CudaGraphRunner> runner;
  std::vector<int> tokens;
  ModelSpec model;
  std::string error;
  double check_error = 0;
  int64_t static_bytes = 0;  // the decoder's buffers and weights, shared by every graph
};

// Built once; benchmarks share it.
Setup& Shared() {
  static Setup* setup = [] {
    auto* s = new Setup;
    s->model = *ModelPreset("deepseek-v3-small");
    ParallelConfig config;
    config.ep_capacity = 256;
    auto fail = [s](const absl::Status& status) {
      s->error = std::string(status.message());
      return s;
    };
    auto stream = MakeStream();
    if (!stream.ok()) return fail(stream.status());
    s->stream = *std::move(stream);
    size_t free_before = 0, free_after = 0, total = 0;
    cudaMemGetInfo(&free_before, &total);
    auto decoder = CudaDecoder::Create(s->model, kSeed, config, /*rank=*/0, /*comm=*/nullptr, 256,
                                       s->stream.get());
    if (!decoder.ok()) return fail(decoder.status());
    cudaMemGetInfo(&free_after, &total);
    s->static_bytes = static_cast<int64_t>(free_before) - static_cast<int64_t>(free_after);
    s->decoder = *std::move(decoder);
    CudaDecoder* raw = s->decoder.get();
    auto runner = CudaGraphRunner::Create(
        *MakePolicy(PolicyKind::kLocal, s->model, config), s->stream.get(), raw->staging_buffer(),
        [raw](const CudaForwardArgs& args) { return raw->Forward(args); },
        [raw, s](const StageArgs& args) { return raw->Stage(args, s->tokens); });
    if (!runner.ok()) return fail(runner.status());
    s->runner = *std::move(runner);
    if (absl::Status status = s->runner->Capture(); !status.ok()) return fail(status);

    // Check one step against the float64 reference before anything is reported.
    auto reference = ReferenceModel::Create(StubWeights(s->model, kSeed, WeightPrecision::kBf16));
    if (!reference.ok()) return fail(reference.status());
    s->tokens = {3, 141, 592, 653, 589, 793, 2384, 626};
    std::vector<int> counts = {8};
    if (absl::Status status =
            s->runner->Step({.rank = 0, .local_tokens = 8, .agreed_tokens = counts});
        !status.ok()) {
      return fail(status);
    }
    auto logits = s->decoder->ReadLogits(8);
    auto routing = s->decoder->ReadRouting(8);
    if (!logits.ok()) return fail(logits.status());
    const int64_t vocab = s->model.dims.vocab;
    for (int row = 0; row < 8; ++row) {
      std::vector<double> expected = reference->Logits(
          s->tokens[row], {.device_routing = &(*routing)[row], .tie_tolerance = 5e-3});
      double error = 0, norm = 0;
      for (int64_t v = 0; v < vocab; ++v) {
        double d = (*logits)[row * vocab + v] - expected[v];
        error += d * d;
        norm += expected[v] * expected[v];
      }
      s->check_error = std::max(s->check_error, std::sqrt(error / norm));
    }
    if (!(s->check_error <= 5e-2)) {
      s->error = "logits differ from the float64 reference: relative error " +
                 std::to_string(s->check_error);
    }
    return s;
  }();
  return *setup;
}

void BM_StepHostTime(benchmark::State& state) {
  Setup& s = Shared();
  if (!s.error.empty()) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  std::vector<double> step_us;
  int count = 0;
  std::vector<int> counts(1);
  for (auto _ : state) {
    count = count % 256 + 1;
    s.tokens.assign(count, 7);
    counts[0] = count;
    auto start = std::chrono::steady_clock::now();
    absl::Status status =
        s.runner->Step({.rank = 0, .local_tokens = count, .agreed_tokens = counts});
    auto end = std::chrono::steady_clock::now();
    if (!status.ok() || !s.runner->Synchronize().ok()) {
      state.SkipWithError(std::string(status.message()).c_str());
      return;
    }
    double us = std::chrono::duration<double, std::micro>(end - start).count();
    step_us.push_back(us);
    state.SetIterationTime(us * 1e-6);
  }
  std::sort(step_us.begin(), step_us.end());
  state.counters["median_us"] = step_us[step_us.size() / 2];
  state.counters["p90_us"] = step_us[step_us.size() * 9 / 10];
  state.counters["check_rel_error"] = s.check_error;
}
BENCHMARK(BM_StepHostTime)->UseManualTime()->Iterations(2560)->Unit(benchmark::kMicrosecond);

void BM_CaptureAllBuckets(benchmark::State& state) {
  Setup& s = Shared();
  if (!s.error.empty()) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  for (auto _ : state) {
  }
  double total_ms = 0;
  int64_t total_bytes = 0, largest_bytes = 0;
  for (const CaptureReport& report : s.runner->captures()) {
    total_ms += report.capture_ms;
    total_bytes += report.device_bytes;
    largest_bytes = std::max(largest_bytes, report.device_bytes);
  }
  state.counters["graphs"] = static_cast<double>(s.runner->captures().size());
  state.counters["capture_total_ms"] = total_ms;
  state.counters["graph_bytes_total"] = static_cast<double>(total_bytes);
  state.counters["graph_bytes_largest"] = static_cast<double>(largest_bytes);
  state.counters["nodes_largest"] = static_cast<double>(s.runner->captures().front().nodes);
  state.counters["static_bytes"] = static_cast<double>(s.static_bytes);
  // All graphs with their shared buffers against the largest graph alone with them.
  state.counters["memory_ratio"] = static_cast<double>(s.static_bytes + total_bytes) /
                                   static_cast<double>(s.static_bytes + largest_bytes);
}
BENCHMARK(BM_CaptureAllBuckets)->Iterations(1);

}  // namespace
}  // namespace padgraph

BENCHMARK_MAIN();
