// Host time of one decode Step through CudaGraphRunner, on one GPU and on several (one thread per
// GPU, or one process per GPU: Note [One process per GPU]): select the key, stage the step's rows
// (token ids and counts) and launch the graph, without waiting for the device. Each Step is timed
// on its own with the device idle (the device is synchronized between Steps, outside the timed
// region): with many graphs queued the host measures the device's backlog instead of its own work.
// The model is deepseek-v3-small: DeepSeek-V3's 61 decoder layers and kernels per layer with
// reduced dims; counts cycle through 1..256 so every default bucket is replayed. Also reports
// capture time and graph memory for all buckets. Before reporting, one step is checked against the
// float64 reference.
#include <benchmark/benchmark.h>
#include <cuda_runtime_api.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <csignal>
#include <cstring>
#include <ctime>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "fmt/format.h"
#include "padgraph/ep_backend/nccl_comm.h"
#include "padgraph/graph_runtime/cuda_check.h"
#include "padgraph/graph_runtime/cuda_runner.h"
#include "padgraph/model_stubs/cuda_decoder.h"
#include "padgraph/model_stubs/reference.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph {
namespace {

constexpr uint64_t kSeed = 5;
constexpr double kCheckTolerance = 5e-2;  // relative L2 of a row of logits, bf16 against float64
constexpr double kTieTolerance = 5e-3;

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

// Set by every benchmark that uses CUDA in this process: a child forked after that could not use
// it (Note [One process per GPU]).
bool cuda_used_here = false;

// The largest relative L2 error of `tokens`' rows of logits against the reference (rule 2: routed
// as the device routed where bf16 made a near tie).
double CheckRows(const ModelSpec& model, const ReferenceModel& reference,
                 const std::vector<int>& tokens, const std::vector<float>& logits,
                 const std::vector<std::vector<std::vector<int>>>& routing) {
  RowChecker checker(reference, kCheckTolerance, kTieTolerance);
  double worst = 0;
  for (size_t row = 0; row < tokens.size(); ++row) {
    worst = std::max(
        worst,
        checker.Compare(tokens[row], &logits[row * model.dims.vocab], routing[row]).relative_error);
  }
  return worst;
}

// Built once; benchmarks share it.
Setup& Shared() {
  static Setup* setup = [] {
    cuda_used_here = true;
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
    if (!routing.ok()) return fail(routing.status());
    s->check_error = CheckRows(s->model, *reference, s->tokens, *logits, *routing);
    if (!(s->check_error <= kCheckTolerance)) {
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

enum class MultiGpuMode { kA2aPadded = 0, kAllGather = 1, kNoCommunicator = 2 };

// One rank of the multi-GPU benchmarks on the current device (policy max: every rank on bucket(max
// n)): its decoder and runner, captured, its first step run and, on rank 0, checked against the
// float64 reference. The runner is declared last so it goes before the decoder it drives.
struct RankModel {
  ParallelConfig config;
  int model_rank = 0;
  CudaStream stream;
  std::unique_ptr<CudaDecoder> decoder;
  std::vector<int> tokens;
  std::vector<int> counts;
  std::unique_ptr<CudaGraphRunner> runner;
  CaptureReport largest;
  double check_error = 0;  // rank 0's

  // Fills the step's rows, `count` on every rank (outside the timed region).
  StepShape Shape(int count) {
    tokens.assign(count, 7);
    counts.assign(config.world, count);
    return {.rank = model_rank, .local_tokens = count, .agreed_tokens = counts};
  }
};

// `rank` is the GPU's index; `model_rank` the rank in `config` (0 for a one-GPU model).
absl::StatusOr<std::unique_ptr<RankModel>> MakeRankModel(const ParallelConfig& config, int rank,
                                                         int model_rank, ncclComm_t comm) {
  const ModelSpec model = *ModelPreset("deepseek-v3-small");
  auto owned = std::make_unique<RankModel>();
  RankModel* r = owned.get();
  r->config = config;
  r->model_rank = model_rank;
  PADGRAPH_ASSIGN_OR_RETURN(r->stream, MakeStream());
  PADGRAPH_ASSIGN_OR_RETURN(r->decoder, CudaDecoder::Create(model, kSeed, config, model_rank, comm,
                                                            256, r->stream.get()));
  PADGRAPH_ASSIGN_OR_RETURN(auto policy, MakePolicy(PolicyKind::kMax, model, config));
  PADGRAPH_ASSIGN_OR_RETURN(r->runner,
                            CudaGraphRunner::Create(
                                std::move(policy), r->stream.get(),
                                [r](const CudaForwardArgs& a) { return r->decoder->Forward(a); },
                                [r](const StageArgs& a) { return r->decoder->Stage(a, r->tokens); },
                                {.static_buffers = r->decoder->static_buffers(), .comm = comm}));
  PADGRAPH_RETURN_IF_ERROR(r->runner->Capture());
  r->largest = r->runner->captures().front();
  // Check one step of rank 0 against the reference before anything is timed.
  r->tokens = {3 + rank, 141, 592, 653, 589, 793, 2384, 626};
  r->counts.assign(config.world, 8);
  PADGRAPH_RETURN_IF_ERROR(
      r->runner->Step({.rank = model_rank, .local_tokens = 8, .agreed_tokens = r->counts}));
  if (rank == 0) {
    PADGRAPH_ASSIGN_OR_RETURN(auto logits, r->decoder->ReadLogits(8));
    PADGRAPH_ASSIGN_OR_RETURN(auto routing, r->decoder->ReadRouting(8));
    PADGRAPH_ASSIGN_OR_RETURN(ReferenceModel reference, ReferenceModel::Create(StubWeights(
                                                            model, kSeed, WeightPrecision::kBf16)));
    r->check_error = CheckRows(model, reference, r->tokens, logits, routing);
  }
  PADGRAPH_RETURN_IF_ERROR(r->runner->Synchronize());
  return owned;
}

// The counters of a multi-GPU run: rank 0's Step host time, the slowest rank's per step, rank 0's
// largest graph.
void ReportMultiGpu(benchmark::State& state, std::vector<double> rank0_us,
                    std::vector<double> slowest_us, double check_error,
                    const CaptureReport& largest) {
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

// Several GPUs, one thread each. Every iteration, every rank times its own Step with the devices
// idle, then all synchronize. Args: GPUs, mode (0 a2a_padded, 1 allgather, 2 no communicator: each
// thread drives its own one-GPU model, to tell the cost of graphs holding NCCL kernels from that of
// threads launching at once), pinned.
void BM_StepHostTimeMultiGpu(benchmark::State& state) {
  cuda_used_here = true;
  const int world = static_cast<int>(state.range(0));
  const auto mode = static_cast<MultiGpuMode>(state.range(1));
  const bool pinned = state.range(2) != 0;
  int gpus = 0;
  if (cudaGetDeviceCount(&gpus) != cudaSuccess || gpus < world) {
    state.SkipWithError("needs more GPUs");
    return;
  }
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
          PADGRAPH_ASSIGN_OR_RETURN(auto model,
                                    MakeRankModel(config, rank, model_rank, comm.get()));
          if (rank == 0) {
            check_error = model->check_error;
            largest = model->largest;
          }
          step_done.arrive_and_wait();  // ready
          while (true) {
            step_start.arrive_and_wait();
            if (stop) break;
            const StepShape shape = model->Shape(count);
            auto start = std::chrono::steady_clock::now();
            absl::Status stepped = model->runner->Step(shape);
            auto end = std::chrono::steady_clock::now();
            host_us[rank] = std::chrono::duration<double, std::micro>(end - start).count();
            if (stepped.ok()) stepped = model->runner->Synchronize();
            if (!stepped.ok()) status[rank] = stepped;
            step_done.arrive_and_wait();
          }
          return absl::OkStatus();  // the model (graphs) goes before the communicator
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
  if (!failed() && check_error <= kCheckTolerance) {
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
  if (!(check_error <= kCheckTolerance)) {
    state.SkipWithError("logits differ from the float64 reference");
    return;
  }
  ReportMultiGpu(state, std::move(rank0_us), std::move(slowest_us), check_error, largest);
}
BENCHMARK(BM_StepHostTimeMultiGpu)
    ->ArgNames({"gpus", "mode", "pinned"})
    ->Args({4, 0, 1})
    ->Args({2, 0, 1})
    ->Args({8, 0, 1})
    ->Args({4, 1, 1})
    ->Args({8, 1, 1})
    ->Args({4, 2, 1})
    ->Args({4, 0, 0})
    ->Args({4, 2, 0})
    ->UseManualTime()
    ->Iterations(1024)
    ->Unit(benchmark::kMicrosecond);

// Note [One process per GPU]
// BM_StepHostTimeMultiProcess is BM_StepHostTimeMultiGpu's a2a_padded case with each rank
// in a process of its own, forked by the benchmark's process, which must never have initialized
// CUDA (a child of such a process cannot use it): it counts GPUs in a child and runs in an
// invocation of its own (--benchmark_filter=MultiProcess; the other benchmarks initialize CUDA in
// the process). Rank 0 makes the ncclUniqueId and passes it through a pipe. The processes share one
// anonymous MAP_SHARED mapping made before fork: a barrier, the step's count, each rank's host time
// and error text. std::barrier and pthread barriers cannot release the others when a participant
// fails or dies, so the barrier is a counter and a futex generation that any party can abort: a
// rank that fails writes its error and aborts; the parent aborts when a rank exits early or a wait
// passes its budget, and kills ranks that have not exited a while after the end. A rank that fails
// exits without the collective teardown, which a peer may never reach. Children always _exit.
constexpr int kMaxProcessRanks = 8;
constexpr size_t kErrorChars = 1024;
constexpr auto kSetupBudget = std::chrono::minutes(5);  // NCCL set-up and capture of all graphs
constexpr auto kStepBudget = std::chrono::minutes(1);
// After a failure: ranks that saw the abort exit at once; one blocked in NCCL never does.
constexpr auto kAbortedExitBudget = std::chrono::seconds(10);

// A barrier across processes in shared memory that any party can abort (Note [One process per
// GPU]). Parties spin briefly, then sleep on a futex on the generation, polling every millisecond.
class ProcessBarrier {
 public:
  explicit ProcessBarrier(int parties) : parties_(parties) {}

  // Waits until every party has arrived. Fails with Aborted once a party has aborted; when `watch`
  // fails or `budget` passes while waiting, aborts as `party` and fails with that.
  template <typename Watch>
  absl::Status ArriveAndWait(int party, std::chrono::steady_clock::duration budget,
                             const Watch& watch) {
    std::atomic_ref<uint32_t> generation(generation_);
    const uint32_t entered = generation.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == parties_) {
      arrived_.store(0, std::memory_order_relaxed);
      generation.fetch_add(1, std::memory_order_release);
      syscall(SYS_futex, &generation_, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
      return absl::OkStatus();
    }
    const auto deadline = std::chrono::steady_clock::now() + budget;
    for (int polls = 0; generation.load(std::memory_order_acquire) == entered; ++polls) {
      if (const int failed = first_failed(); failed >= 0) {
        return absl::AbortedError(fmt::format("party {} failed", failed));
      }
      if (polls < 64) {
        std::this_thread::yield();
        continue;
      }
      absl::Status watched = watch();
      if (watched.ok() && std::chrono::steady_clock::now() > deadline) {
        watched = absl::DeadlineExceededError(
            fmt::format("waited {} s for the other processes",
                        std::chrono::duration_cast<std::chrono::seconds>(budget).count()));
      }
      // A party released by the last arrival may have ended (or gone quiet) since the first load.
      if (generation.load(std::memory_order_acquire) != entered) break;
      if (!watched.ok()) {
        Abort(party);
        return watched;
      }
      const timespec poll = {.tv_sec = 0, .tv_nsec = 1'000'000};
      syscall(SYS_futex, &generation_, FUTEX_WAIT, entered, &poll, nullptr, 0);
    }
    return absl::OkStatus();
  }

  // Releases every waiter, now and later, with Aborted; the first party to abort is kept.
  void Abort(int party) {
    int none = -1;
    first_failed_.compare_exchange_strong(none, party);
    syscall(SYS_futex, &generation_, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
  }
  int first_failed() const { return first_failed_.load(std::memory_order_acquire); }

 private:
  const int parties_;
  std::atomic<int> arrived_{0};
  std::atomic<int> first_failed_{-1};
  alignas(std::atomic_ref<uint32_t>::required_alignment) uint32_t generation_ = 0;  // futex word
};

// What BM_StepHostTimeMultiProcess's processes share (Note [One process per GPU]). The parent is
// party `world` of the barrier; plain fields are ordered by it.
struct ProcessShared {
  explicit ProcessShared(int world) : barrier(world + 1) {}
  ProcessBarrier barrier;
  int count = 0;      // the step's tokens per rank: the parent writes it before opening a step
  bool stop = false;  // the parent sets it before the last opening
  double host_us[kMaxProcessRanks] = {};
  double check_error = 0;  // rank 0's
  CaptureReport largest;   // rank 0's
  char error[kMaxProcessRanks][kErrorChars] = {};
};
static_assert(std::is_trivially_copyable_v<CaptureReport>, "copied through the mapping");

// The GPUs, counted in a child so this process stays free of CUDA.
int CountGpusInChild() {
  int fds[2];
  if (pipe(fds) != 0) return 0;
  const pid_t child = fork();
  if (child == 0) {
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess) count = 0;
    (void)!write(fds[1], &count, sizeof(count));
    _exit(0);
  }
  close(fds[1]);
  int count = 0;
  if (child < 0 || read(fds[0], &count, sizeof(count)) != sizeof(count)) count = 0;
  close(fds[0]);
  if (child > 0) waitpid(child, nullptr, 0);
  return count;
}

// One rank of BM_StepHostTimeMultiProcess, in its own process: set-up and check, then a Step each
// time the parent opens one. Never returns (the parent's code must not run twice).
[[noreturn]] void RunRankProcess(ProcessShared& shared, int world, int rank, bool pinned,
                                 const int id_pipe[2]) {
  const pid_t parent = getppid();
  auto watch_parent = [parent] {
    return getppid() == parent ? absl::OkStatus()
                               : absl::AbortedError("the benchmark process exited");
  };
  // Outside the status lambda: a failed rank leaves without destroying them (Note [One process per
  // GPU]).
  NcclComm comm;
  std::unique_ptr<RankModel> model;
  absl::Status result = [&]() -> absl::Status {
    ncclUniqueId id;
    if (rank == 0) {
      PADGRAPH_NCCL_RETURN_IF_ERROR(ncclGetUniqueId(&id));
      for (int peer = 1; peer < world; ++peer) {
        if (write(id_pipe[1], &id, sizeof(id)) != sizeof(id)) {
          return absl::InternalError(
              fmt::format("writing the ncclUniqueId: {}", std::strerror(errno)));
        }
      }
    } else {
      close(id_pipe[1]);  // so that rank 0 ending without writing ends this read
      if (read(id_pipe[0], &id, sizeof(id)) != sizeof(id)) {
        return absl::InternalError("rank 0 sent no ncclUniqueId");
      }
    }
    if (pinned) PinToCpu(2 + 2 * rank);
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(rank));
    PADGRAPH_ASSIGN_OR_RETURN(comm, NcclComm::InitRank(world, rank, id));
    ParallelConfig config;
    config.world = config.dp = world;
    config.moe = MoeBackend::kA2aPadded;
    config.ep_capacity = 256;
    PADGRAPH_ASSIGN_OR_RETURN(model, MakeRankModel(config, rank, rank, comm.get()));
    if (rank == 0) {
      shared.check_error = model->check_error;
      shared.largest = model->largest;
    }
    PADGRAPH_RETURN_IF_ERROR(shared.barrier.ArriveAndWait(rank, kSetupBudget, watch_parent));
    while (true) {
      PADGRAPH_RETURN_IF_ERROR(shared.barrier.ArriveAndWait(rank, kStepBudget, watch_parent));
      if (shared.stop) break;
      const StepShape shape = model->Shape(shared.count);
      auto start = std::chrono::steady_clock::now();
      absl::Status stepped = model->runner->Step(shape);
      auto end = std::chrono::steady_clock::now();
      shared.host_us[rank] = std::chrono::duration<double, std::micro>(end - start).count();
      if (stepped.ok()) stepped = model->runner->Synchronize();
      PADGRAPH_RETURN_IF_ERROR(stepped);
      PADGRAPH_RETURN_IF_ERROR(shared.barrier.ArriveAndWait(rank, kStepBudget, watch_parent));
    }
    model.reset();  // graphs before the communicator
    return comm.Finalize();
  }();
  if (result.ok()) _exit(0);
  const std::string text = fmt::format("rank {}: {}", rank, result.ToString());
  text.copy(shared.error[rank], kErrorChars - 1);
  shared.barrier.Abort(rank);
  _exit(1);
}

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return fmt::format("exit status {}", WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    return fmt::format("signal {} ({})", WTERMSIG(wait_status), strsignal(WTERMSIG(wait_status)));
  }
  return fmt::format("wait status {}", wait_status);
}

// The parent's rank processes; a rank that ends is reaped once and its wait status kept.
class RankProcesses {
 public:
  void Add(pid_t pid) {
    pids_.push_back(pid);
    wait_status_.emplace_back();
  }

  // Fails naming the first rank that has ended: before the parent's stop, none may.
  absl::Status CheckRunning() {
    for (size_t rank = 0; rank < pids_.size(); ++rank) {
      if (Poll(rank)) {
        return absl::AbortedError(
            fmt::format("rank {} ended early: {}", rank, DescribeWaitStatus(*wait_status_[rank])));
      }
    }
    return absl::OkStatus();
  }

  // Waits up to `budget` for every rank to end, kills those left, and fails naming the first rank
  // that did not exit with status 0.
  absl::Status ReapAll(std::chrono::steady_clock::duration budget) {
    const auto deadline = std::chrono::steady_clock::now() + budget;
    while (true) {
      bool all = true;
      for (size_t rank = 0; rank < pids_.size(); ++rank)
        all = Poll(rank) && all;
      if (all || std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    absl::Status status;
    for (size_t rank = 0; rank < pids_.size(); ++rank) {
      if (!wait_status_[rank]) {
        kill(pids_[rank], SIGKILL);
        int wait_status = 0;
        waitpid(pids_[rank], &wait_status, 0);
        wait_status_[rank] = wait_status;
        status.Update(absl::DeadlineExceededError(
            fmt::format("rank {} had not exited after the run: killed", rank)));
      } else if (*wait_status_[rank] != 0) {
        status.Update(absl::InternalError(
            fmt::format("rank {}: {}", rank, DescribeWaitStatus(*wait_status_[rank]))));
      }
    }
    return status;
  }

 private:
  bool Poll(size_t rank) {
    if (wait_status_[rank]) return true;
    int wait_status = 0;
    if (waitpid(pids_[rank], &wait_status, WNOHANG) != pids_[rank]) return false;
    wait_status_[rank] = wait_status;
    return true;
  }

  std::vector<pid_t> pids_;
  std::vector<std::optional<int>> wait_status_;
};

// BM_StepHostTimeMultiGpu's a2a_padded case, one process per GPU (Note [One process per GPU]);
// the same counters. Args: GPUs, pinned.
void BM_StepHostTimeMultiProcess(benchmark::State& state) {
  const int world = static_cast<int>(state.range(0));
  const bool pinned = state.range(1) != 0;
  if (cuda_used_here) {
    state.SkipWithError(
        "this process has used CUDA, which its children could not: run this benchmark in an "
        "invocation of its own (--benchmark_filter=MultiProcess)");
    return;
  }
  if (world > kMaxProcessRanks) {
    state.SkipWithError(fmt::format("{} GPUs: at most {}", world, kMaxProcessRanks).c_str());
    return;
  }
  if (CountGpusInChild() < world) {
    state.SkipWithError("needs more GPUs");
    return;
  }
  void* mapping = mmap(nullptr, sizeof(ProcessShared), PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) {
    state.SkipWithError(fmt::format("mmap: {}", std::strerror(errno)).c_str());
    return;
  }
  auto* shared = new (mapping) ProcessShared(world);
  const int parent = world;  // the parent's party in the barrier
  RankProcesses ranks;
  absl::Status run;
  int id_pipe[2];
  const bool piped = pipe(id_pipe) == 0;
  if (!piped) run = absl::InternalError(fmt::format("pipe: {}", std::strerror(errno)));
  for (int rank = 0; run.ok() && rank < world; ++rank) {
    const pid_t pid = fork();
    if (pid == 0) RunRankProcess(*shared, world, rank, pinned, id_pipe);
    if (pid < 0) {
      run = absl::InternalError(fmt::format("fork: {}", std::strerror(errno)));
      shared->barrier.Abort(parent);
    } else {
      ranks.Add(pid);
    }
  }
  if (piped) {
    close(id_pipe[0]);
    close(id_pipe[1]);
  }
  auto watch_ranks = [&ranks] { return ranks.CheckRunning(); };
  std::vector<double> rank0_us, slowest_us;
  int count = 0;
  if (run.ok()) {
    run = shared->barrier.ArriveAndWait(parent, kSetupBudget, watch_ranks);  // captured, checked
  }
  if (run.ok() && shared->check_error <= kCheckTolerance) {
    for (auto _ : state) {
      count = count % 256 + 1;
      shared->count = count;
      run = shared->barrier.ArriveAndWait(parent, kStepBudget, watch_ranks);  // the step opens
      if (run.ok()) run = shared->barrier.ArriveAndWait(parent, kStepBudget, watch_ranks);
      if (!run.ok()) break;
      const double* host_us = shared->host_us;
      rank0_us.push_back(host_us[0]);
      slowest_us.push_back(*std::max_element(host_us, host_us + world));
      state.SetIterationTime(host_us[0] * 1e-6);
    }
  }
  if (run.ok()) {
    shared->stop = true;
    run = shared->barrier.ArriveAndWait(parent, kStepBudget, watch_ranks);
  }
  absl::Status reaped = ranks.ReapAll(run.ok() ? kStepBudget : kAbortedExitBudget);
  // The first failure is the cause: the rank that aborted first (its own words), else the parent's.
  std::string error;
  if (const int failed = shared->barrier.first_failed(); failed >= 0 && failed < world) {
    error = shared->error[failed];
  } else if (!run.ok()) {
    error = std::string(run.message());
  } else if (!reaped.ok()) {
    error = std::string(reaped.message());
  } else if (!(shared->check_error <= kCheckTolerance)) {
    error = "logits differ from the float64 reference";
  }
  const double check_error = shared->check_error;
  const CaptureReport largest = shared->largest;
  shared->~ProcessShared();
  munmap(mapping, sizeof(ProcessShared));
  if (!error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  ReportMultiGpu(state, std::move(rank0_us), std::move(slowest_us), check_error, largest);
}
BENCHMARK(BM_StepHostTimeMultiProcess)
    ->ArgNames({"gpus", "pinned"})
    ->Args({4, 1})
    ->Args({2, 1})
    ->Args({8, 1})
    ->Args({4, 0})
    ->UseManualTime()
    ->Iterations(1024)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace padgraph

BENCHMARK_MAIN();
