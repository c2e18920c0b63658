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
// BM_HostGraphLaunchMultiGpu: the same host launch on 1, 2 or 4 GPUs at once, one thread per GPU
// pinned as BM_StepHostTimeMultiGpu pins its ranks, every thread timing its own launch after a
// common start: CUDA's floor under the multi-GPU Step, with no communicator and no staging. Steps
// go through 2 instantiations, or through 36 as the Step benchmarks go through every default
// bucket's graph.
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
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
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
  // `instances` instantiations of the chain; steps go through them in turn.
  static absl::StatusOr<std::unique_ptr<ChainBench>> Create(int kernels, Launch launch,
                                                            int instances) {
    auto bench = std::unique_ptr<ChainBench>(new ChainBench(launch));
    bench->chains_.resize(instances);
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
      PADGRAPH_RETURN_IF_ERROR(Step(step % static_cast<int>(chains_.size())));
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
    std::vector<cudaGraphExec_t> handles(chains_.size());
    for (size_t i = 0; i < chains_.size(); ++i) {
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphInstantiate(&handles[i], chain.get(), flags));
      chains_[i] = CudaGraphExec(handles[i]);
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphUpload(handles[i], stream_.get()));
    }
    if (launch_ == Launch::kDevice) {
      PADGRAPH_ASSIGN_OR_RETURN(chain_handles_,
                                DeviceBuffer::Allocate(handles.size() * sizeof(cudaGraphExec_t)));
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(chain_handles_.data(), handles.data(),
                                               handles.size() * sizeof(cudaGraphExec_t),
                                               cudaMemcpyDefault));
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
    return CaptureGraph(stream_.get(), [&]() -> absl::Status {
      launch();
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetLastError());
      return absl::OkStatus();
    });
  }

  const Launch launch_;
  CudaStream stream_;
  CudaEvent begin_, end_;
  DeviceBuffer counters_;  // device: chain runs, launcher runs
  DeviceBuffer mapped_;    // Mapped
  DeviceBuffer chain_handles_;
  std::vector<CudaGraphExec> chains_;
  CudaGraphExec launcher_;
  int64_t steps_ = 0;
};

void PinToCpu(int cpu) {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  CPU_SET(cpu, &cpus);
  sched_setaffinity(0, sizeof(cpus), &cpus);
}

// Args: kernels in the chain. Sets the counters, or fails with what went wrong.
absl::Status MeasureGraphLaunch(benchmark::State& state, Launch launch) {
  int devices = 0;
  if (const cudaError_t error = cudaGetDeviceCount(&devices);
      error != cudaSuccess || devices == 0) {
    return absl::FailedPreconditionError(fmt::format(
        "no CUDA device: {}", error == cudaSuccess ? "none found" : cudaGetErrorString(error)));
  }
  PinToCpu(0);
  PADGRAPH_ASSIGN_OR_RETURN(std::unique_ptr<ChainBench> bench,
                            ChainBench::Create(static_cast<int>(state.range(0)), launch, 2));
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

// A barrier of `parties` threads (pthread's: std::barrier needs C++20, which this CUDA file is not
// compiled as).
class ThreadBarrier {
 public:
  explicit ThreadBarrier(int parties) { pthread_barrier_init(&barrier_, nullptr, parties); }
  ~ThreadBarrier() { pthread_barrier_destroy(&barrier_); }
  ThreadBarrier(const ThreadBarrier&) = delete;
  ThreadBarrier& operator=(const ThreadBarrier&) = delete;
  void Wait() { pthread_barrier_wait(&barrier_); }

 private:
  pthread_barrier_t barrier_;
};

// Args: GPUs, kernels in the chain. Every iteration, every thread launches its own GPU's chain
// between two barriers and times it; the devices are synchronized outside the timed region.
// Reports rank 0's median and the median over iterations of the slowest rank's launch. A thread
// whose set-up failed keeps meeting the barriers without launching, so every thread ends.
absl::Status MeasureMultiGpuLaunch(benchmark::State& state) {
  const int gpus = static_cast<int>(state.range(0));
  const int kernels = static_cast<int>(state.range(1));
  const int graphs = static_cast<int>(state.range(2));
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices < gpus) {
    return absl::FailedPreconditionError(
        fmt::format("needs {} CUDA devices, {} found", gpus, devices));
  }
  ThreadBarrier start(gpus + 1), done(gpus + 1);
  bool stop = false;
  int index = 0;
  std::vector<double> host_us(gpus, 0);
  std::vector<absl::Status> status(gpus);
  std::vector<std::thread> threads;
  for (int gpu = 0; gpu < gpus; ++gpu) {
    threads.emplace_back([&, gpu] {
      PinToCpu(2 + 2 * gpu);
      std::unique_ptr<ChainBench> bench;
      absl::Status result = [&]() -> absl::Status {
        PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(gpu));
        PADGRAPH_ASSIGN_OR_RETURN(bench, ChainBench::Create(kernels, Launch::kHost, graphs));
        for (int step = 0; step < kWarmUpSteps; ++step) {
          PADGRAPH_RETURN_IF_ERROR(bench->Step(step % graphs));
          PADGRAPH_RETURN_IF_ERROR(bench->Synchronize());
        }
        return absl::OkStatus();
      }();
      done.Wait();  // ready (or failed)
      while (true) {
        start.Wait();
        if (stop) break;
        if (result.ok()) {
          const auto begin = std::chrono::steady_clock::now();
          result.Update(bench->Step(index));
          const auto end = std::chrono::steady_clock::now();
          host_us[gpu] = std::chrono::duration<double, std::micro>(end - begin).count();
          result.Update(bench->Synchronize());
        }
        done.Wait();
      }
      if (result.ok()) result.Update(bench->Check());
      status[gpu].Update(std::move(result));
    });
  }
  done.Wait();
  std::vector<double> rank0_us, slowest_us;
  for (auto _ : state) {
    index = (index + 1) % graphs;
    start.Wait();
    done.Wait();
    rank0_us.push_back(host_us[0]);
    slowest_us.push_back(*std::max_element(host_us.begin(), host_us.end()));
    state.SetIterationTime(host_us[0] * 1e-6);
  }
  stop = true;
  start.Wait();
  for (std::thread& thread : threads)
    thread.join();
  for (const absl::Status& s : status)
    PADGRAPH_RETURN_IF_ERROR(s);
  std::sort(rank0_us.begin(), rank0_us.end());
  std::sort(slowest_us.begin(), slowest_us.end());
  state.counters["median_us"] = rank0_us[rank0_us.size() / 2];
  state.counters["p90_us"] = rank0_us[rank0_us.size() * 9 / 10];
  state.counters["slowest_rank_median_us"] = slowest_us[slowest_us.size() / 2];
  state.counters["kernels"] = kernels;
  state.counters["gpus"] = gpus;
  state.counters["graphs"] = graphs;
  return absl::OkStatus();
}

void BM_HostGraphLaunchMultiGpu(benchmark::State& state) {
  if (const absl::Status status = MeasureMultiGpuLaunch(state); !status.ok()) {
    state.SkipWithError(std::string(status.message()).c_str());
  }
}
BENCHMARK(BM_HostGraphLaunchMultiGpu)
    ->ArgNames({"gpus", "kernels", "graphs"})
    ->ArgsProduct({{1, 2, 4, 8}, {1, 1024}, {2}})
    ->ArgsProduct({{1, 4}, {1024}, {36}})
    ->UseManualTime()
    ->Iterations(4096)
    ->Unit(benchmark::kMicrosecond);

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
