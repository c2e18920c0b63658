// Host time of one decode Step through CudaGraphRunner, on one GPU and on four with a2a_padded:
// select the key, stage the step's rows (token ids and counts) and launch the graph, without
// waiting for the device. Each Step is timed on its own with the device idle (the device is
// synchronized between Steps, outside the timed region): with many graphs queued the host measures
// the device's backlog instead of its own work. The model is deepseek-v3-small: DeepSeek-V3's 61
// decoder layers and kernels per layer with reduced dims; counts cycle through 1..256 so every
// default bucket is replayed. Also reports capture time and graph memory for all buckets. Before
// reporting, one step is checked against the float64 reference.
#include <benchmark/benchmark.h>
#include <cuda_runtime_api.h>
#include <sched.h>

#include <algorithm>
#include <barrier>
#include <chrono>
#include <cmath>
#include <memory>
#include <thread>
#include <vector>

#include "padgraph/ep_backend/nccl_comm.h"
#include "padgraph/graph_runtime/cuda_check.h"
#include "padgraph/graph_runtime/cuda_runner.h"
#include "padgraph/model_stubs/cuda_decoder.h"
#include "padgraph/model_stubs/reference.h"
#include "padgraph/padding_policy/status_macros.h"

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
        *MakePolicy(PolicyKind::kLocal, s->model, config), s->stream.get(),
        [raw](const CudaForwardArgs& args) { return raw->Forward(args); },
        [raw, s](const StageArgs& args) { return raw->Stage(args, s->tokens); },
        {.static_buffers = raw->static_buffers()});
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

// Pins the calling thread to one CPU (the benchmarks compare pinned and unpinned runs: an
// unpinned thread migrating between cores showed as a spread of medians across runs).
void PinToCpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu % std::max(1, static_cast<int>(std::thread::hardware_concurrency())), &set);
  sched_setaffinity(0, sizeof(set), &set);
}

// One GPU; arg: pinned (the thread stays pinned for the benchmarks after it).
void BM_StepHostTime(benchmark::State& state) {
  Setup& s = Shared();
  if (!s.error.empty()) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  if (state.range(0) != 0) PinToCpu(0);
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
BENCHMARK(BM_StepHostTime)
    ->ArgName("pinned")
    ->Arg(0)
    ->Arg(1)
    ->UseManualTime()
    ->Iterations(2560)
    ->Unit(benchmark::kMicrosecond);

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
  const CaptureReport& largest = s.runner->captures().front();
  state.counters["nodes_largest"] = static_cast<double>(largest.nodes);
  state.counters["kernel_nodes_largest"] = static_cast<double>(largest.kernel_nodes);
  state.counters["host_nodes_largest"] = static_cast<double>(largest.host_nodes);
  state.counters["static_bytes"] = static_cast<double>(s.static_bytes);
  // All graphs with their shared buffers against the largest graph alone with them.
  state.counters["memory_ratio"] = static_cast<double>(s.static_bytes + total_bytes) /
                                   static_cast<double>(s.static_bytes + largest_bytes);
}
BENCHMARK(BM_CaptureAllBuckets)->Iterations(1);

// The largest relative L2 error of `rows` rows of logits against the reference (routed as the
// device routed where bf16 made a near tie).
double CheckRows(const ModelSpec& model, const ReferenceModel& reference,
                 const std::vector<int>& tokens, const std::vector<float>& logits,
                 const std::vector<std::vector<std::vector<int>>>& routing) {
  const int64_t vocab = model.dims.vocab;
  double worst = 0;
  for (size_t row = 0; row < tokens.size(); ++row) {
    std::vector<double> expected =
        reference.Logits(tokens[row], {.device_routing = &routing[row], .tie_tolerance = 5e-3});
    double error = 0, norm = 0;
    for (int64_t v = 0; v < vocab; ++v) {
      double d = logits[row * vocab + v] - expected[v];
      error += d * d;
      norm += expected[v] * expected[v];
    }
    worst = std::max(worst, std::sqrt(error / norm));
  }
  return worst;
}

enum class MultiGpuMode { kA2aPadded = 0, kAllGather = 1, kNoCommunicator = 2 };

// Several GPUs, one thread each (policy max: every rank on bucket(max n)). Every iteration, every
// rank times its own Step with the devices idle, then all synchronize. Args: GPUs, mode (0
// a2a_padded, 1 allgather, 2 no communicator: each thread drives its own one-GPU model, to tell
// the cost of graphs holding NCCL kernels from that of threads launching at once), pinned.
void BM_StepHostTimeMultiGpu(benchmark::State& state) {
  const int world = static_cast<int>(state.range(0));
  const auto mode = static_cast<MultiGpuMode>(state.range(1));
  const bool pinned = state.range(2) != 0;
  int gpus = 0;
  if (cudaGetDeviceCount(&gpus) != cudaSuccess || gpus < world) {
    state.SkipWithError("needs more GPUs");
    return;
  }
  const ModelSpec model = *ModelPreset("deepseek-v3-small");
  ParallelConfig config;
  const bool shared = mode != MultiGpuMode::kNoCommunicator;
  config.world = config.dp = shared ? world : 1;
  config.moe = mode == MultiGpuMode::kAllGather ? MoeBackend::kAllGather : MoeBackend::kA2aPadded;
  config.ep_capacity = 256;
  ncclUniqueId id;
  if (shared && ncclGetUniqueId(&id) != ncclSuccess) {
    state.SkipWithError("ncclGetUniqueId failed");
    return;
  }
  std::barrier<> step_start(world + 1), step_done(world + 1);
  int count = 0;
  bool stop = false;
  std::vector<double> host_us(world, 0);
  std::vector<absl::Status> status(world);
  double check_error = 0;
  CaptureReport largest;
  std::vector<std::thread> ranks;
  for (int rank = 0; rank < world; ++rank) {
    ranks.emplace_back([&, rank] {
      if (pinned) PinToCpu(2 + 2 * rank);
      const int model_rank = shared ? rank : 0;
      absl::Status result = [&]() -> absl::Status {
        PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(rank));
        NcclComm comm;
        if (shared) {
          PADGRAPH_ASSIGN_OR_RETURN(comm, NcclComm::InitRank(world, rank, id));
        }
        absl::Status inner = [&]() -> absl::Status {
          PADGRAPH_ASSIGN_OR_RETURN(CudaStream stream, MakeStream());
          PADGRAPH_ASSIGN_OR_RETURN(
              auto decoder,
              CudaDecoder::Create(model, kSeed, config, model_rank, comm.get(), 256, stream.get()));
          std::vector<int> tokens;
          PADGRAPH_ASSIGN_OR_RETURN(auto policy, MakePolicy(PolicyKind::kMax, model, config));
          PADGRAPH_ASSIGN_OR_RETURN(
              auto runner, CudaGraphRunner::Create(
                               std::move(policy), stream.get(),
                               [&](const CudaForwardArgs& a) { return decoder->Forward(a); },
                               [&](const StageArgs& a) { return decoder->Stage(a, tokens); },
                               {.static_buffers = decoder->static_buffers(), .comm = comm.get()}));
          PADGRAPH_RETURN_IF_ERROR(runner->Capture());
          if (rank == 0) largest = runner->captures().front();
          // Check one step of rank 0 against the reference before anything is timed.
          tokens = {3 + rank, 141, 592, 653, 589, 793, 2384, 626};
          std::vector<int> counts(config.world, 8);
          PADGRAPH_RETURN_IF_ERROR(
              runner->Step({.rank = model_rank, .local_tokens = 8, .agreed_tokens = counts}));
          if (rank == 0) {
            PADGRAPH_ASSIGN_OR_RETURN(auto logits, decoder->ReadLogits(8));
            PADGRAPH_ASSIGN_OR_RETURN(auto routing, decoder->ReadRouting(8));
            PADGRAPH_ASSIGN_OR_RETURN(
                ReferenceModel reference,
                ReferenceModel::Create(StubWeights(model, kSeed, WeightPrecision::kBf16)));
            check_error = CheckRows(model, reference, tokens, logits, routing);
          }
          PADGRAPH_RETURN_IF_ERROR(runner->Synchronize());
          step_done.arrive_and_wait();  // ready
          while (true) {
            step_start.arrive_and_wait();
            if (stop) break;
            tokens.assign(count, 7);
            counts.assign(config.world, count);
            auto start = std::chrono::steady_clock::now();
            absl::Status stepped =
                runner->Step({.rank = model_rank, .local_tokens = count, .agreed_tokens = counts});
            auto end = std::chrono::steady_clock::now();
            host_us[rank] = std::chrono::duration<double, std::micro>(end - start).count();
            if (stepped.ok()) stepped = runner->Synchronize();
            if (!stepped.ok()) status[rank] = stepped;
            step_done.arrive_and_wait();
          }
          runner.reset();  // graphs before the communicator
          return absl::OkStatus();
        }();
        absl::Status finalized = comm.Finalize();
        PADGRAPH_RETURN_IF_ERROR(inner);
        return finalized;
      }();
      if (!result.ok()) {
        status[rank] = result;
        // Keep the barriers whole so the other threads and the timing loop end.
        step_done.arrive_and_drop();
        step_start.arrive_and_drop();
      }
    });
  }
  step_done.arrive_and_wait();  // every rank captured and checked (or failed)
  auto failed = [&] {
    for (const absl::Status& s : status) {
      if (!s.ok()) return true;
    }
    return false;
  };
  std::vector<double> rank0_us, slowest_us;
  if (!failed() && check_error <= 5e-2) {
    for (auto _ : state) {
      count = count % 256 + 1;
      step_start.arrive_and_wait();
      step_done.arrive_and_wait();
      if (failed()) break;
      rank0_us.push_back(host_us[0]);
      slowest_us.push_back(*std::max_element(host_us.begin(), host_us.end()));
      state.SetIterationTime(host_us[0] * 1e-6);
    }
  }
  stop = true;
  step_start.arrive_and_wait();
  for (std::thread& thread : ranks)
    thread.join();
  for (const absl::Status& s : status) {
    if (!s.ok()) {
      state.SkipWithError(std::string(s.message()).c_str());
      return;
    }
  }
  if (!(check_error <= 5e-2)) {
    state.SkipWithError("logits differ from the float64 reference");
    return;
  }
  std::sort(rank0_us.begin(), rank0_us.end());
  std::sort(slowest_us.begin(), slowest_us.end());
  state.counters["median_us"] = rank0_us[rank0_us.size() / 2];
  state.counters["p90_us"] = rank0_us[rank0_us.size() * 9 / 10];
  state.counters["slowest_rank_median_us"] = slowest_us[slowest_us.size() / 2];
  state.counters["check_rel_error"] = check_error;
  state.counters["largest_graph_kernel_nodes"] = static_cast<double>(largest.kernel_nodes);
  state.counters["largest_graph_host_nodes"] = static_cast<double>(largest.host_nodes);
  state.counters["largest_graph_memory_nodes"] = static_cast<double>(largest.memory_nodes);
  state.counters["largest_graph_other_nodes"] = static_cast<double>(largest.other_nodes);
}
BENCHMARK(BM_StepHostTimeMultiGpu)
    ->ArgNames({"gpus", "mode", "pinned"})
    ->Args({4, 0, 1})
    ->Args({2, 0, 1})
    ->Args({4, 1, 1})
    ->Args({4, 2, 1})
    ->UseManualTime()
    ->Iterations(1024)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace padgraph

BENCHMARK_MAIN();
