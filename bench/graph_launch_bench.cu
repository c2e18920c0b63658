// CUDA's floor under a decode step's host time on this machine, measured as step_host_time_bench
// measures Step: each launch timed alone on the host (steady_clock) with the device idle, the
// device synchronized outside the timed region, median and p90 over 4096 launches after a warm-up,
// the thread pinned to CPU 0 (as BM_StepHostTime/pinned:1). The graphs are straight chains of N
// empty one-thread kernels (the 4-GPU a2a_padded step's largest graph has about 1,130 kernel
// nodes), instantiated twice; steps alternate between the two as Step alternates keys.
// BM_HostGraphLaunch: the host launches the chain. BM_DeviceGraphLaunch: the host stages the
// chain's index in mapped host memory and launches a one-kernel launcher graph, whose kernel reads
// the index and launches that chain from the device (tail launch): Step with the graph selection
// moved onto the GPU. Both also report the device time per step (device_step_us: events around 100
// steps queued behind a held stream, the median of 21 such rounds), which shows what the tail
// launch costs the GPU. Before reporting, every step is checked to have run its whole chain (its
// last kernel counts) and every device-side launch to have succeeded.
//
// Device graph launch as this file relies on it (CUDA 13.0: cudaGraphInstantiate in
// cuda_runtime_api.h; cudaGraphLaunch's device overload and cudaStreamGraphTailLaunch in
// cuda_device_runtime_api.h; the programming guide's "Device Graph Launch"):
// - a graph the device launches is instantiated with cudaGraphInstantiateFlagDeviceLaunch; its
//   nodes are kernels, memcpys, memsets or child graphs on one device, and its kernels use no
//   dynamic parallelism (the chain's kernels launch nothing);
// - it is uploaded (cudaGraphUpload) before the device first launches it;
// - the device launches it only from a kernel that runs in a graph: the launcher kernel is captured
//   into a graph of its own, instantiated for host launch (it calls the device runtime, which a
//   device graph's kernels may not);
// - a device-side launch is made by the calling thread: the launcher runs one thread;
// - a device graph cannot be launched while its previous launch runs (cudaErrorInvalidValue), nor
//   from host and device at once: a tail launch starts when the launching graph ends and completes
//   inside the launching graph's stream launch, so the next launcher on the stream starts after the
//   chain the previous one launched; the host-launched chains are other instantiations;
// - a graph may have at most 255 pending tail launches: the launcher queues one;
// - the code is relocatable device code linked with the device runtime, cudadevrt
//   (bench/CMakeLists.txt).
#include <benchmark/benchmark.h>
#include <cuda_runtime.h>
#include <sched.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fmt/format.h"
#include "padgraph/graph_runtime/cuda_check.h"
#include "padgraph/graph_runtime/cuda_handles.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph {
namespace {

constexpr int kRingSlots = 128;  // staged indices, one per step: a round queues fewer
constexpr int kRoundSteps = 100;
constexpr int kRounds = 21;
constexpr int kWarmUpSteps = 32;
constexpr unsigned long long kHoldBudgetNs = 2'000'000'000ull;
static_assert(kRoundSteps <= kRingSlots, "a round's steps read distinct slots");

enum class Launch { kHost, kDevice };

// The words the host writes and the kernels read, in mapped host memory.
struct Mapped {
  int ring[kRingSlots];  // the chain each step launches, at step % kRingSlots
  int launch_error;      // the first failed device-side launch's cudaError_t
  int release;           // set by the host to end HoldStream
  int hold_expired;      // set by HoldStream when it gave up
};

// What the launcher kernel reads and writes; a kernel parameter, fixed at capture.
struct LauncherArgs {
  Mapped* mapped;
  unsigned long long* steps;      // device: launcher runs so far
  const cudaGraphExec_t* chains;  // device: the chains it selects from
};

__device__ unsigned long long GlobalTimerNs() {
  unsigned long long ns;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(ns));
  return ns;
}

// One of a chain's kernels: nothing, except that the last counts the chain's runs.
__global__ void ChainKernel(unsigned long long* runs) {
  if (runs != nullptr) ++*runs;
}

// The launcher graph's kernel: reads this step's index from the ring, as the runner's staging
// kernel reads its slot, and tail-launches that chain, which starts when this graph ends.
__global__ void LaunchStagedChain(LauncherArgs args) {
  volatile Mapped* mapped = args.mapped;
  const unsigned long long step = (*args.steps)++;
  const int index = mapped->ring[step % kRingSlots];
  const cudaError_t launched = cudaGraphLaunch(args.chains[index], cudaStreamGraphTailLaunch);
  if (launched != cudaSuccess && mapped->launch_error == cudaSuccess) {
    mapped->launch_error = launched;
  }
}

// Holds the stream until the host sets `release`, so the steps queued behind it run back to back
// and the events around them time the device alone. Gives up after kHoldBudgetNs (a launch queue
// that filled before the host released it), setting `hold_expired`.
__global__ void HoldStream(Mapped* mapped_words) {
  volatile Mapped* mapped = mapped_words;
  const unsigned long long start = GlobalTimerNs();
  while (mapped->release == 0) {
    if (GlobalTimerNs() - start > kHoldBudgetNs) {
      mapped->hold_expired = 1;
      return;
    }
  }
}

// Two instantiations of a chain of `kernels` kernels, the launcher graph for device launch, and
// the buffers they use, on a stream of their own.
class ChainBench {
 public:
  static absl::StatusOr<std::unique_ptr<ChainBench>> Create(int kernels, Launch launch) {
    auto bench = std::unique_ptr<ChainBench>(new ChainBench(launch));
    PADGRAPH_RETURN_IF_ERROR(bench->Build(kernels));
    return bench;
  }

  // Stages `index` (device launch) and launches: what a timed step does.
  absl::Status Step(int index) {
    if (launch_ == Launch::kHost) {
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(chains_[index].get(), stream_.get()));
    } else {
      mapped()->ring[steps_ % kRingSlots] = index;
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(launcher_.get(), stream_.get()));
    }
    ++steps_;
    return absl::OkStatus();
  }

  absl::Status Synchronize() {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream_.get()));
    return absl::OkStatus();
  }

  // Device time per step: the median over kRounds rounds of kRoundSteps steps queued behind
  // HoldStream, timed by events around them.
  absl::StatusOr<double> DeviceStepUs() {
    std::vector<double> step_us;
    for (int round = 0; round < kRounds; ++round) {
      mapped()->release = 0;
      mapped()->hold_expired = 0;
      HoldStream<<<1, 1, 0, stream_.get()>>>(mapped());
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetLastError());
      const absl::Status queued = QueueRound();
      static_cast<volatile Mapped*>(mapped())->release = 1;
      PADGRAPH_RETURN_IF_ERROR(queued);
      PADGRAPH_RETURN_IF_ERROR(Synchronize());
      if (mapped()->hold_expired != 0) {
        return absl::FailedPreconditionError(fmt::format(
            "the stream was held for {} s before {} steps were queued behind it: the launch queue "
            "filled, and the events would time host launches",
            kHoldBudgetNs / 1e9, kRoundSteps));
      }
      float ms = 0;
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventElapsedTime(&ms, begin_.get(), end_.get()));
      step_us.push_back(ms * 1e3 / kRoundSteps);
    }
    std::sort(step_us.begin(), step_us.end());
    return step_us[step_us.size() / 2];
  }

  // Fails unless every step ran its whole chain and every device-side launch succeeded.
  absl::Status Check() {
    PADGRAPH_RETURN_IF_ERROR(Synchronize());
    if (const auto error = static_cast<cudaError_t>(mapped()->launch_error); error != cudaSuccess) {
      return absl::InternalError(fmt::format("device-side cudaGraphLaunch failed: {} ({})",
                                             cudaGetErrorName(error), cudaGetErrorString(error)));
    }
    std::array<unsigned long long, 2> counted = {};  // chain runs, launcher runs
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaMemcpy(counted.data(), counters_.data(), sizeof(counted), cudaMemcpyDeviceToHost));
    const auto steps = static_cast<unsigned long long>(steps_);
    if (counted[0] != steps || (launch_ == Launch::kDevice && counted[1] != steps)) {
      return absl::InternalError(
          fmt::format("{} steps ran {} chains and {} launchers", steps, counted[0], counted[1]));
    }
    return absl::OkStatus();
  }

 private:
  explicit ChainBench(Launch launch) : launch_(launch) {}

  // kRoundSteps steps between the events.
  absl::Status QueueRound() {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventRecord(begin_.get(), stream_.get()));
    for (int step = 0; step < kRoundSteps; ++step)
      PADGRAPH_RETURN_IF_ERROR(Step(step % 2));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventRecord(end_.get(), stream_.get()));
    return absl::OkStatus();
  }

  Mapped* mapped() const { return mapped_.data<Mapped>(); }

  absl::Status Build(int kernels) {
    PADGRAPH_ASSIGN_OR_RETURN(stream_, MakeStream());
    PADGRAPH_ASSIGN_OR_RETURN(begin_, MakeEvent(cudaEventDefault));
    PADGRAPH_ASSIGN_OR_RETURN(end_, MakeEvent(cudaEventDefault));
    PADGRAPH_ASSIGN_OR_RETURN(counters_, DeviceBuffer::Allocate(2 * sizeof(unsigned long long)));
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaMemsetAsync(counters_.data(), 0, counters_.bytes(), stream_.get()));
    PADGRAPH_ASSIGN_OR_RETURN(
        mapped_, DeviceBuffer::Allocate(sizeof(Mapped), DeviceBuffer::Where::kMappedHost));
    *mapped() = Mapped{};
    auto* counters = counters_.data<unsigned long long>();

    PADGRAPH_ASSIGN_OR_RETURN(
        CudaGraph chain, Capture([&] {
          for (int kernel = 0; kernel < kernels; ++kernel) {
            ChainKernel<<<1, 1, 0, stream_.get()>>>(kernel + 1 == kernels ? counters : nullptr);
          }
        }));
    const unsigned long long flags =
        launch_ == Launch::kDevice ? cudaGraphInstantiateFlagDeviceLaunch : 0;
    std::array<cudaGraphExec_t, 2> handles = {};
    for (size_t i = 0; i < chains_.size(); ++i) {
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphInstantiate(&handles[i], chain.get(), flags));
      chains_[i] = CudaGraphExec(handles[i]);
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphUpload(handles[i], stream_.get()));
    }
    if (launch_ == Launch::kDevice) {
      PADGRAPH_ASSIGN_OR_RETURN(chain_handles_, DeviceBuffer::Allocate(sizeof(handles)));
      PADGRAPH_CUDA_RETURN_IF_ERROR(
          cudaMemcpy(chain_handles_.data(), handles.data(), sizeof(handles), cudaMemcpyDefault));
      const LauncherArgs args = {mapped(), counters + 1, chain_handles_.data<cudaGraphExec_t>()};
      PADGRAPH_ASSIGN_OR_RETURN(CudaGraph launcher, Capture([&] {
                                  LaunchStagedChain<<<1, 1, 0, stream_.get()>>>(args);
                                }));
      cudaGraphExec_t launcher_exec = nullptr;
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphInstantiate(&launcher_exec, launcher.get(), 0));
      launcher_ = CudaGraphExec(launcher_exec);
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphUpload(launcher_exec, stream_.get()));
    }
    return Synchronize();
  }

  // The kernels `launch` puts on the stream, captured.
  template <typename Launches>
  absl::StatusOr<CudaGraph> Capture(const Launches& launch) {
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaStreamBeginCapture(stream_.get(), cudaStreamCaptureModeThreadLocal));
    launch();
    const cudaError_t launched = cudaGetLastError();
    cudaGraph_t raw = nullptr;
    const cudaError_t ended = cudaStreamEndCapture(stream_.get(), &raw);
    CudaGraph graph(raw);
    PADGRAPH_CUDA_RETURN_IF_ERROR(launched);
    PADGRAPH_CUDA_RETURN_IF_ERROR(ended);
    return graph;
  }

  const Launch launch_;
  CudaStream stream_;
  CudaEvent begin_, end_;
  DeviceBuffer counters_;  // device: chain runs, launcher runs
  DeviceBuffer mapped_;    // Mapped
  DeviceBuffer chain_handles_;
  std::array<CudaGraphExec, 2> chains_;
  CudaGraphExec launcher_;
  int64_t steps_ = 0;
};

// Args: kernels in the chain. Sets the counters, or fails with what went wrong.
absl::Status MeasureGraphLaunch(benchmark::State& state, Launch launch) {
  int devices = 0;
  if (const cudaError_t error = cudaGetDeviceCount(&devices);
      error != cudaSuccess || devices == 0) {
    return absl::FailedPreconditionError(fmt::format(
        "no CUDA device: {}", error == cudaSuccess ? "none found" : cudaGetErrorString(error)));
  }
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  CPU_SET(0, &cpus);
  sched_setaffinity(0, sizeof(cpus), &cpus);
  PADGRAPH_ASSIGN_OR_RETURN(std::unique_ptr<ChainBench> bench,
                            ChainBench::Create(static_cast<int>(state.range(0)), launch));
  for (int step = 0; step < kWarmUpSteps; ++step) {
    PADGRAPH_RETURN_IF_ERROR(bench->Step(step % 2));
    PADGRAPH_RETURN_IF_ERROR(bench->Synchronize());
  }
  std::vector<double> host_us;
  int index = 0;
  for (auto _ : state) {
    index ^= 1;
    auto start = std::chrono::steady_clock::now();
    const absl::Status stepped = bench->Step(index);
    auto end = std::chrono::steady_clock::now();
    PADGRAPH_RETURN_IF_ERROR(stepped);
    PADGRAPH_RETURN_IF_ERROR(bench->Synchronize());
    const double us = std::chrono::duration<double, std::micro>(end - start).count();
    host_us.push_back(us);
    state.SetIterationTime(us * 1e-6);
  }
  PADGRAPH_ASSIGN_OR_RETURN(const double device_step_us, bench->DeviceStepUs());
  PADGRAPH_RETURN_IF_ERROR(bench->Check());
  std::sort(host_us.begin(), host_us.end());
  state.counters["median_us"] = host_us[host_us.size() / 2];
  state.counters["p90_us"] = host_us[host_us.size() * 9 / 10];
  state.counters["device_step_us"] = device_step_us;
  state.counters["kernels"] = static_cast<double>(state.range(0));
  return absl::OkStatus();
}

void RunGraphLaunch(benchmark::State& state, Launch launch) {
  if (const absl::Status status = MeasureGraphLaunch(state, launch); !status.ok()) {
    state.SkipWithError(std::string(status.message()).c_str());
  }
}

void ChainSizes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgName("kernels")
      ->Arg(1)
      ->Arg(64)
      ->Arg(256)
      ->Arg(1024)
      ->Arg(2048)
      ->UseManualTime()
      ->Iterations(4096)
      ->Unit(benchmark::kMicrosecond);
}

// The host launches the chain.
void BM_HostGraphLaunch(benchmark::State& state) {
  RunGraphLaunch(state, Launch::kHost);
}
BENCHMARK(BM_HostGraphLaunch)->Apply(ChainSizes);

// The host stages the index and launches the launcher graph, which tail-launches the chain.
void BM_DeviceGraphLaunch(benchmark::State& state) {
  RunGraphLaunch(state, Launch::kDevice);
}
BENCHMARK(BM_DeviceGraphLaunch)->Apply(ChainSizes);

}  // namespace
}  // namespace padgraph

BENCHMARK_MAIN();
