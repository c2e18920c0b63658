// MoE dispatch + combine per backend on 2, 4 and 8 GPUs (one thread per GPU): a2a_ll (device API,
// at several SM budgets), a2a_padded (grouped ncclSend/ncclRecv of the bucket rows to every peer
// and back, DESIGN.md section 3) and allgather (ncclAllGather + ncclReduceScatter). Setup of issue
// 4: hidden 7168 bf16, top-8 of 256 experts routed uniformly from a fixed seed, one copy per
// (token, expert) pair, rows per rank 1, 8, 16, 32, 128 (PADGRAPH_DISPATCH_ROWS gives others).
// a2a_ll runs with its default line_rows and return_line_rows and one copy per pair
// (rank_dedup_rows off), as a2a_ll_row_path with both 0 (no lines), to show what lines gain, and as
// a2a_ll_dedup with the library's defaults (rows once per rank above its threshold). Each figure:
// kItersPerGraph dispatch+combine pairs inside one CUDA graph, replayed after a device-side barrier
// across ranks (a one-int ncclAllReduce) so launch gaps and rank skew do not count; the time of a
// replay is the slowest rank's device-event time over kItersPerGraph; the median over replays is
// reported. Beside them, the byte floor: the bytes of real pairs crossing NVLink for the busiest
// rank (its dispatch rows to peers plus the rows peers send back to it, self excluded) over the
// per-GPU egress bandwidth measured in the same run, the best of a copy-engine copy to one peer and
// an SM kernel storing to all peers at once through the symmetric window. Every a2a_ll result is
// checked against a float64 CPU reference (with the test experts of a2a_ll_testing.h) before it is
// reported. Beside a2a_ll, a2a_ll_lines_floor (a2a_ll.cu Note [The lines' floor]): the same pairs
// as self-flagged lines both ways, in two launches on a2a_ll's grids, with the counts given by the
// host: what a2a_ll's figure would be with none of its own steps, checked bit for bit.
// Beside allgather, lsa_gather: the same dense-TP exchange on the lsa gather backend
// (only real rows move), checked bit for bit against the rows sent. Last, loopback/: a2a_ll (one
// copy per pair, the row path, and the default, with rows once per rank above its threshold)
// between 2, 4 and 8 loopback ranks on GPU 0 (a2a_ll.h CreateLoopback), which a machine with one
// GPU runs: the protocol's own steps without NVLink's latency or bandwidth, at no rows and the same
// row counts; on 2 ranks one copy per pair also at 32 SMs, the smallest budget of the NVLink runs.
#include <benchmark/benchmark.h>
#include <cuda_runtime_api.h>
#include <nccl.h>

#include <algorithm>
#include <barrier>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fmt/format.h"
#include "padgraph/ep_backend/a2a_ll.h"
#include "padgraph/ep_backend/a2a_ll_testing.h"
#include "padgraph/ep_backend/lsa_gather.h"
#include "padgraph/ep_backend/nccl_comm.h"
#include "padgraph/graph_runtime/cuda_check.h"
#include "padgraph/graph_runtime/cuda_handles.h"
#include "padgraph/graph_runtime/deadline.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph {
namespace {

constexpr int kHidden = 7168;
constexpr int kExperts = 256;
constexpr int kTopK = 8;
constexpr int kCapacity = 128;
constexpr int kItersPerGraph = 50;
constexpr int kReplays = 15;
constexpr uint64_t kSeed = 2026;
constexpr size_t kRowBytes = kHidden * 2;
constexpr size_t kProbeBytes = size_t{256} << 20;  // per probe launch, all peers together
const std::vector<int> kDefaultRows = {1, 8, 16, 32, 128};
const int kSmBudgets[] = {32, 64, 128};
// Loopback ranks (a2a_ll.h CreateLoopback) share one GPU's SMs: at most SMs / (2 x world) each,
// of the 132 an H100 or H200 has: 16 for 2 and 4 ranks, 8 for 8.
constexpr int kLoopbackSms = 16;
constexpr int kGpuSms = 132;
int LoopbackSms(int world) {
  return std::min(kLoopbackSms, kGpuSms / (2 * world));
}
// Where the GPU holds them (2 ranks), a2a_ll's loopback ranks also run at the smallest budget of
// the ranks on their own GPUs, so that one GPU measures the counts that budget sends as lines (its
// line_rows is 16, LoopbackSms's 4): 0 where it does not.
int LoopbackNvlinkSms(int world) {
  return 2 * world * kSmBudgets[0] <= kGpuSms ? kSmBudgets[0] : 0;
}
// Teams of ranks on their own GPUs (skipped where fewer are present).
constexpr int kWorlds[] = {2, 4, 8};

int GpuCount() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess ? count : 0;
}

// Every rank's routing for `rows` rows, the same on every thread.
struct Routing {
  std::vector<std::vector<uint16_t>> x;     // [world][rows * hidden]
  std::vector<std::vector<int32_t>> ids;    // [world][rows * top_k]
  std::vector<std::vector<float>> weights;  // [world][rows * top_k]
};

Routing MakeRouting(int world, int rows) {
  Routing routing;
  std::vector<int> experts(kExperts);
  for (int rank = 0; rank < world; ++rank) {
    std::mt19937_64 rng(kSeed * 1000 + rank * 131 + rows);
    std::uniform_real_distribution<float> value(-1, 1), weight(0, 1);
    std::vector<uint16_t> x(static_cast<size_t>(rows) * kHidden);
    for (auto& v : x)
      v = FloatToBf16Bits(value(rng));
    std::vector<int32_t> ids(rows * kTopK);
    std::vector<float> w(rows * kTopK);
    for (int t = 0; t < rows; ++t) {
      std::iota(experts.begin(), experts.end(), 0);
      for (int k = 0; k < kTopK; ++k) {
        std::swap(experts[k], experts[std::uniform_int_distribution<int>(k, kExperts - 1)(rng)]);
        ids[t * kTopK + k] = experts[k];
        w[t * kTopK + k] = weight(rng);
      }
    }
    routing.x.push_back(std::move(x));
    routing.ids.push_back(std::move(ids));
    routing.weights.push_back(std::move(w));
  }
  return routing;
}

// Bytes of real pairs crossing NVLink for `rank`: rows it dispatches to peers plus rows peers
// return to it (the same pairs), self excluded. With `once_per_rank` (a2a_ll.h Note [Rows once per
// rank]) a token's row goes to a peer once and one partial sum comes back, whatever its pairs
// there.
uint64_t NvlinkBytes(const Routing& routing, int world, int rank, bool once_per_rank) {
  const int local = kExperts / world;
  const std::vector<int32_t>& ids = routing.ids[rank];
  uint64_t pairs = 0, rows_out = 0;
  for (size_t token = 0; token * kTopK < ids.size(); ++token) {
    std::vector<bool> reached(world, false);
    for (int k = 0; k < kTopK; ++k) {
      const int owner = ids[token * kTopK + k] / local;
      if (owner == rank) continue;
      ++pairs;
      rows_out += !reached[owner];
      reached[owner] = true;
    }
  }
  return 2 * (once_per_rank ? rows_out : pairs) * kRowBytes;
}

A2aLlOptions A2aLlOptionsFor(int sms) {
  A2aLlOptions options;
  options.num_experts = kExperts;
  options.top_k = kTopK;
  options.hidden = kHidden;
  options.capacity = kCapacity;
  options.max_sms = sms;
  options.rank_dedup_rows = kA2aLlRankDedupOff;  // one copy per (token, expert) pair
  return options;
}

// One GPU's state, owned by its thread.
struct RankState {
  int rank = 0, world = 0;
  bool loopback = false;            // every rank on GPU 0, no communicator
  std::barrier<>* ranks = nullptr;  // the team's host barrier (loopback replays start on it)
  bool left_barrier = false;        // after a failure (Team::Loop)
  NcclComm comm;
  CudaStream stream;
  Deadline deadline;
  std::map<int, A2aLl> a2a;           // by SM budget
  std::map<int, A2aLl> a2a_row_path;  // by SM budget, line_rows 0: every source sends rows
  std::map<int, A2aLl> a2a_dedup;     // by SM budget, rows once per rank
  std::map<int, A2aLl> a2a_floor;     // by SM budget, for the lines' floor alone (NVLink teams)
  std::optional<LsaGather> lsa;
  DeviceBuffer x, ids, weights, count, out, expert_out;
  DeviceBuffer padded_recv, padded_back, gathered, barrier_int, probe_source, landing;
  CudaEvent start, stop;
  CudaGraphExec exec;
  std::vector<void*>* landings = nullptr;  // every rank's landing buffer, for the peer copy
  int rows = 0;
  // The routing's pairs from this rank to each rank and from each rank to this one (self 0).
  int pairs_to[kA2aLlMaxWorld] = {}, pairs_from[kA2aLlMaxWorld] = {};
};

// World threads that run jobs on their ranks; the benchmark thread posts and waits.
class Team {
 public:
  Team(int world, bool loopback)
      : world_(world), loopback_(loopback), states_(world), barrier_(world) {
    ncclUniqueId id = {};
    if (loopback) {
      loopback_status_ = MakeLoopback();
    } else {
      ncclGetUniqueId(&id);
    }
    landings_.assign(world, nullptr);
    for (int rank = 0; rank < world; ++rank) {
      threads_.emplace_back([this, rank, id] { Loop(rank, id); });
    }
    init_status_ = Run([](RankState&) { return absl::OkStatus(); });
  }
  ~Team() {
    (void)Run([](RankState& s) -> absl::Status {
      s.exec.Reset();
      for (auto& [sms, a2a] : s.a2a)
        PADGRAPH_RETURN_IF_ERROR(a2a.Destroy());
      for (auto& [sms, a2a] : s.a2a_row_path)
        PADGRAPH_RETURN_IF_ERROR(a2a.Destroy());
      for (auto& [sms, a2a] : s.a2a_dedup)
        PADGRAPH_RETURN_IF_ERROR(a2a.Destroy());
      for (auto& [sms, a2a] : s.a2a_floor)
        PADGRAPH_RETURN_IF_ERROR(a2a.Destroy());
      if (s.lsa.has_value()) PADGRAPH_RETURN_IF_ERROR(s.lsa->Destroy());
      return s.loopback ? absl::OkStatus() : s.comm.Finalize();
    });
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
      ++generation_;
    }
    wake_.notify_all();
    for (auto& thread : threads_)
      thread.join();
    for (std::vector<A2aLl>* left :
         {&loopback_a2a_, &loopback_row_path_, &loopback_dedup_, &loopback_nvlink_sms_}) {
      for (A2aLl& a2a : *left)  // transports no rank's Setup took
        (void)a2a.Destroy();
    }
  }

  const absl::Status& init_status() const { return init_status_; }
  int world() const { return world_; }
  bool loopback() const { return loopback_; }
  // A loopback team one of whose ranks failed: its barrier has lost that rank.
  bool broken() const { return broken_; }
  std::barrier<>& barrier() { return barrier_; }
  double egress_gbps = 0;

  // Runs `job` on every rank; returns the first failure.
  absl::Status Run(std::function<absl::Status(RankState&)> job) {
    std::unique_lock lock(mutex_);
    job_ = std::move(job);
    results_.assign(world_, absl::OkStatus());
    done_ = 0;
    ++generation_;
    wake_.notify_all();
    finished_.wait(lock, [&] { return done_ == world_; });
    for (int rank = 0; rank < world_; ++rank) {
      if (!results_[rank].ok()) {
        broken_ = broken_ || loopback_;
        return absl::Status(
            results_[rank].code(),
            fmt::format("rank {}: {}", rank, std::string(results_[rank].message())));
      }
    }
    return absl::OkStatus();
  }
  RankState& state(int rank) { return states_[rank]; }

 private:
  void Loop(int rank, ncclUniqueId id) {
    RankState& s = states_[rank];
    absl::Status setup = Setup(s, rank, id);
    uint64_t seen = 0;
    bool first = true;
    while (true) {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      if (stop_) return;
      auto job = job_;
      lock.unlock();
      absl::Status status = first ? setup : (setup.ok() ? job(s) : setup);
      first = false;
      if (!status.ok() && loopback_ && !s.left_barrier) {
        // Its peers may wait for it at a rendezvous it will not reach: it leaves the barrier
        // (once), so they go on to fail or finish, and the team is rebuilt (TeamFor).
        s.left_barrier = true;
        barrier_.arrive_and_drop();
      }
      lock.lock();
      results_[rank] = status;
      if (++done_ == world_) finished_.notify_all();
    }
  }

  // Every loopback rank's transports, made at once on GPU 0 (Note [Loopback ranks]).
  absl::Status MakeLoopback() {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(0));
    PADGRAPH_RETURN_IF_ERROR(LoadTestKernels());
    A2aLlOptions options = A2aLlOptionsFor(LoopbackSms(world_));
    PADGRAPH_ASSIGN_OR_RETURN(loopback_a2a_, A2aLl::CreateLoopback(world_, options));
    A2aLlOptions dedup_options = options;
    dedup_options.rank_dedup_rows = kA2aLlRankDedupRowsAuto;
    PADGRAPH_ASSIGN_OR_RETURN(loopback_dedup_, A2aLl::CreateLoopback(world_, dedup_options));
    options.line_rows = 0;
    options.return_line_rows = 0;
    PADGRAPH_ASSIGN_OR_RETURN(loopback_row_path_, A2aLl::CreateLoopback(world_, options));
    if (LoopbackNvlinkSms(world_) > 0) {
      PADGRAPH_ASSIGN_OR_RETURN(
          loopback_nvlink_sms_,
          A2aLl::CreateLoopback(world_, A2aLlOptionsFor(LoopbackNvlinkSms(world_))));
    }
    return absl::OkStatus();
  }

  absl::Status Setup(RankState& s, int rank, ncclUniqueId id) {
    s.rank = rank;
    s.world = world_;
    s.loopback = loopback_;
    s.ranks = &barrier_;
    s.landings = &landings_;
    if (loopback_) {
      PADGRAPH_RETURN_IF_ERROR(loopback_status_);
      s.a2a.emplace(LoopbackSms(world_), std::move(loopback_a2a_[rank]));
      s.a2a_row_path.emplace(LoopbackSms(world_), std::move(loopback_row_path_[rank]));
      s.a2a_dedup.emplace(LoopbackSms(world_), std::move(loopback_dedup_[rank]));
      if (!loopback_nvlink_sms_.empty()) {
        s.a2a.emplace(LoopbackNvlinkSms(world_), std::move(loopback_nvlink_sms_[rank]));
      }
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(0));
      PADGRAPH_RETURN_IF_ERROR(AllocateRankBuffers(s));
      return MakeFirstLaunch(s.stream.get());
    }
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(rank));
    for (int peer = 0; peer < world_; ++peer) {
      if (peer == rank) continue;
      cudaError_t error = cudaDeviceEnablePeerAccess(peer, 0);
      if (error != cudaSuccess && error != cudaErrorPeerAccessAlreadyEnabled) {
        PADGRAPH_CUDA_RETURN_IF_ERROR(error);
      }
      (void)cudaGetLastError();
    }
    PADGRAPH_ASSIGN_OR_RETURN(s.comm, NcclComm::InitRank(world_, rank, id));
    for (int sms : kSmBudgets) {
      A2aLlOptions options = A2aLlOptionsFor(sms);
      PADGRAPH_ASSIGN_OR_RETURN(A2aLl a2a, A2aLl::Create(s.comm.get(), options));
      s.a2a.emplace(sms, std::move(a2a));
      options.line_rows = 0;
      options.return_line_rows = 0;
      PADGRAPH_ASSIGN_OR_RETURN(A2aLl row_path, A2aLl::Create(s.comm.get(), options));
      s.a2a_row_path.emplace(sms, std::move(row_path));
      A2aLlOptions dedup_options = A2aLlOptionsFor(sms);
      dedup_options.rank_dedup_rows = kA2aLlRankDedupRowsAuto;
      PADGRAPH_ASSIGN_OR_RETURN(A2aLl dedup, A2aLl::Create(s.comm.get(), dedup_options));
      s.a2a_dedup.emplace(sms, std::move(dedup));
      PADGRAPH_ASSIGN_OR_RETURN(A2aLl floor, A2aLl::Create(s.comm.get(), A2aLlOptionsFor(sms)));
      s.a2a_floor.emplace(sms, std::move(floor));
    }
    PADGRAPH_ASSIGN_OR_RETURN(
        s.lsa, LsaGather::Create(s.comm.get(), {.row_bytes = static_cast<int>(kRowBytes),
                                                .slot_rows = kCapacity,
                                                .max_sms = kSmBudgets[0]}));
    return AllocateRankBuffers(s);
  }

  // A rank's stream, deadline, events and buffers, once its transports exist.
  absl::Status AllocateRankBuffers(RankState& s) {
    PADGRAPH_ASSIGN_OR_RETURN(s.stream, MakeStream());
    PADGRAPH_ASSIGN_OR_RETURN(s.deadline, Deadline::Create(absl::Seconds(30)));
    PADGRAPH_ASSIGN_OR_RETURN(s.start, MakeEvent(cudaEventDefault));
    PADGRAPH_ASSIGN_OR_RETURN(s.stop, MakeEvent(cudaEventDefault));
    const size_t rows_bytes = kCapacity * kRowBytes;
    PADGRAPH_ASSIGN_OR_RETURN(s.x, DeviceBuffer::Allocate(rows_bytes));
    PADGRAPH_ASSIGN_OR_RETURN(s.out, DeviceBuffer::Allocate(rows_bytes));
    PADGRAPH_ASSIGN_OR_RETURN(s.ids, DeviceBuffer::Allocate(kCapacity * kTopK * 4));
    PADGRAPH_ASSIGN_OR_RETURN(s.weights, DeviceBuffer::Allocate(kCapacity * kTopK * 4));
    PADGRAPH_ASSIGN_OR_RETURN(s.count, DeviceBuffer::Allocate(4));
    PADGRAPH_ASSIGN_OR_RETURN(s.barrier_int, DeviceBuffer::Allocate(4));
    const A2aLlLayout& layout = s.a2a.begin()->second.layout();
    PADGRAPH_ASSIGN_OR_RETURN(s.expert_out,
                              DeviceBuffer::Allocate(layout.recv_row_count() * kRowBytes));
    PADGRAPH_ASSIGN_OR_RETURN(s.padded_recv, DeviceBuffer::Allocate(world_ * rows_bytes));
    PADGRAPH_ASSIGN_OR_RETURN(s.padded_back, DeviceBuffer::Allocate(world_ * rows_bytes));
    PADGRAPH_ASSIGN_OR_RETURN(s.gathered, DeviceBuffer::Allocate(world_ * rows_bytes));
    PADGRAPH_ASSIGN_OR_RETURN(s.probe_source, DeviceBuffer::Allocate(kProbeBytes));
    PADGRAPH_ASSIGN_OR_RETURN(s.landing, DeviceBuffer::Allocate(kProbeBytes));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemset(s.probe_source.data(), 1, kProbeBytes));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemset(s.x.data(), 0, rows_bytes));
    landings_[s.rank] = s.landing.data();
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaDeviceSynchronize());
    return absl::OkStatus();
  }

  int world_;
  bool loopback_;
  absl::Status loopback_status_;
  // Until each rank's Setup takes its own.
  std::vector<A2aLl> loopback_a2a_, loopback_row_path_, loopback_dedup_, loopback_nvlink_sms_;
  std::vector<RankState> states_;
  std::vector<void*> landings_;
  std::barrier<> barrier_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  std::function<absl::Status(RankState&)> job_;
  std::vector<absl::Status> results_;
  uint64_t generation_ = 0;
  int done_ = 0;
  bool stop_ = false;
  bool broken_ = false;
  absl::Status init_status_;
};

std::unique_ptr<Team>& CurrentTeam() {
  static auto* team = new std::unique_ptr<Team>;
  return *team;
}

// The team for `world` ranks (the previous one, of another kind or broken, is torn down first).
Team* TeamFor(int world, bool loopback) {
  std::unique_ptr<Team>& team = CurrentTeam();
  if (team == nullptr || team->world() != world || team->loopback() != loopback || team->broken()) {
    team.reset();
    team = std::make_unique<Team>(world, loopback);
  }
  return team.get();
}

// The team for `world` ranks, or null after telling `state` why the benchmark is skipped.
Team* TeamOrSkip(benchmark::State& state, int world, bool loopback = false) {
  const int need = loopback ? 1 : world;
  if (GpuCount() < need) {
    state.SkipWithError(fmt::format("needs {} GPUs", need).c_str());
    return nullptr;
  }
  Team* team = TeamFor(world, loopback);
  if (!team->init_status().ok()) {
    state.SkipWithError(std::string(team->init_status().message()).c_str());
    return nullptr;
  }
  return team;
}

// Stages routing for `rows` rows onto every rank.
absl::Status Stage(RankState& s, const Routing& routing, int rows) {
  s.rows = rows;
  const int local = kExperts / s.world;
  std::fill(std::begin(s.pairs_to), std::end(s.pairs_to), 0);
  std::fill(std::begin(s.pairs_from), std::end(s.pairs_from), 0);
  for (int rank = 0; rank < s.world; ++rank) {
    for (const int32_t id : routing.ids[rank]) {
      const int owner = id / local;
      if (rank == owner) continue;
      if (rank == s.rank) ++s.pairs_to[owner];
      if (owner == s.rank) ++s.pairs_from[rank];
    }
  }
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaMemcpy(s.x.data(), routing.x[s.rank].data(), rows * kRowBytes, cudaMemcpyHostToDevice));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(s.ids.data(), routing.ids[s.rank].data(),
                                           rows * kTopK * 4, cudaMemcpyHostToDevice));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(s.weights.data(), routing.weights[s.rank].data(),
                                           rows * kTopK * 4, cudaMemcpyHostToDevice));
  return cudaMemcpy(s.count.data(), &rows, 4, cudaMemcpyHostToDevice) == cudaSuccess
             ? absl::OkStatus()
             : absl::InternalError("staging the count failed");
}

// Eager dispatch -> test experts -> combine, against the float64 reference.
absl::Status CheckA2aLl(RankState& s, const A2aLl& a2a, const Routing& routing, int rows) {
  cudaStream_t stream = s.stream.get();
  A2aLlDispatchArgs dispatch;
  dispatch.x = s.x.data();
  dispatch.topk_ids = s.ids.data<int32_t>();
  dispatch.num_rows = s.count.data<int32_t>();
  dispatch.weights = s.weights.data<float>();
  dispatch.rows = rows;
  dispatch.deadline = s.deadline.view();
  PADGRAPH_RETURN_IF_ERROR(a2a.Dispatch(dispatch, stream));
  PADGRAPH_RETURN_IF_ERROR(LaunchTestExperts(a2a.layout(), s.rank, a2a.recv_rows(),
                                             a2a.recv_counts(), s.expert_out.data(), stream));
  A2aLlCombineArgs combine;
  combine.expert_out = s.expert_out.data();
  combine.weights = s.weights.data<float>();
  combine.rows = rows;
  combine.out = s.out.data();
  combine.deadline = s.deadline.view();
  PADGRAPH_RETURN_IF_ERROR(a2a.Combine(combine, stream));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
  PADGRAPH_RETURN_IF_ERROR(s.deadline.Check());
  std::vector<uint16_t> out(static_cast<size_t>(rows) * kHidden);
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaMemcpy(out.data(), s.out.data(), out.size() * 2, cudaMemcpyDeviceToHost));
  for (int t = 0; t < rows; ++t) {
    for (int h = 0; h < kHidden; ++h) {
      double want = 0;
      for (int k = 0; k < kTopK; ++k) {
        want += routing.weights[s.rank][t * kTopK + k] *
                Bf16BitsToFloat(
                    TestExpertHost(routing.ids[s.rank][t * kTopK + k],
                                   routing.x[s.rank][static_cast<size_t>(t) * kHidden + h]));
      }
      const double got = Bf16BitsToFloat(out[static_cast<size_t>(t) * kHidden + h]);
      if (!(std::abs(got - want) <= 1e-2 * std::abs(want) + 2e-2)) {
        return absl::InternalError(
            fmt::format("a2a_ll check: row {} col {}: got {}, want {}", t, h, got, want));
      }
    }
  }
  return absl::OkStatus();
}

// kA2aLlLinesFloor: a2a_ll.cu Note [The lines' floor], the routing's pairs crossing NVLink as
// lines both ways with the counts known on the host (a pair's row is sent as row r % rows of x,
// the same bytes). Checked leg by leg: recv_rows, zeroed first, holds each peer's rows bit for bit.
A2aLlLinesFloorArgs FloorLeg(const RankState& s, int leg, int layer) {
  A2aLlLinesFloorArgs args;
  args.x = s.x.data();
  args.x_rows = s.rows;
  // Leg 1 returns the pairs: each peer gets back as many rows as it sent.
  std::copy(std::begin(s.pairs_to), std::end(s.pairs_to), leg == 0 ? args.rows_to : args.rows_from);
  std::copy(std::begin(s.pairs_from), std::end(s.pairs_from),
            leg == 0 ? args.rows_from : args.rows_to);
  args.leg = leg;
  args.layer = layer;
  args.deadline = s.deadline.view();
  return args;
}

absl::Status CheckLinesFloor(RankState& s, const A2aLl& a2a, const Routing& routing) {
  cudaStream_t stream = s.stream.get();
  const A2aLlLayout& layout = a2a.layout();
  const size_t region = layout.recv_row_count() * kRowBytes;
  std::vector<uint16_t> rows(layout.recv_row_count() * kHidden);
  for (int leg = 0; leg < 2; ++leg) {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(a2a.recv_rows(), 0, region, stream));
    const A2aLlLinesFloorArgs args = FloorLeg(s, leg, 0);
    PADGRAPH_RETURN_IF_ERROR(a2a.LaunchLinesFloor(args, stream));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    PADGRAPH_RETURN_IF_ERROR(s.deadline.Check());
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaMemcpy(rows.data(), a2a.recv_rows(), region, cudaMemcpyDeviceToHost));
    for (int source = 0; source < s.world; ++source) {
      for (int r = 0; r < args.rows_from[source]; ++r) {
        const size_t at =
            layout.RecvRowIndex(r / layout.shape.line_rows, source, r % layout.shape.line_rows) *
            kHidden;
        const uint16_t* want = routing.x[source].data() + static_cast<size_t>(r % s.rows) * kHidden;
        if (std::memcmp(&rows[at], want, kRowBytes) != 0) {
          return absl::InternalError(
              fmt::format("lines' floor check: leg {}: row {} from rank {} differs from its x row",
                          leg, r, source));
        }
      }
    }
  }
  return absl::OkStatus();
}

// kEmptyCooperative / kEmptyPlain / kEmptyLikeTransport: two empty kernels with a2a_ll's grids
// (dispatch's, then combine's), launched cooperatively, plainly, or as a2a_ll launches its own
// (EmptyLaunch::kLikeTransport): the part of an a2a_ll figure that is kernel boundaries alone.
// kLsaGather: a dense-TP layer's exchange on the lsa gather backend, the rows of every rank
// gathered and each rank's slot of results returned (lsa_gather.h), the device-API twin of
// kAllGather (which moves the whole bucket of every rank). Gathers and returns once: slot p of the
// gathered rows holds rank p's real rows and this rank's rows come back from every peer, bit for
// bit.
absl::Status CheckLsaGather(RankState& s, const Routing& routing, int rows) {
  cudaStream_t stream = s.stream.get();
  const int world = s.world;
  LsaGatherArgs gather{.local = s.x.data(),
                       .num_rows = s.count.data<int32_t>(),
                       .rows = rows,
                       .slot_rows = kCapacity,
                       .row_bytes = static_cast<int>(kRowBytes),
                       .gathered = s.gathered.data(),
                       .deadline = s.deadline.view()};
  PADGRAPH_RETURN_IF_ERROR(s.lsa->Gather(gather, stream));
  PADGRAPH_RETURN_IF_ERROR(s.lsa->Return({.partial = s.gathered.data(),
                                          .slot_rows = kCapacity,
                                          .row_bytes = static_cast<int>(kRowBytes),
                                          .received = s.padded_back.data(),
                                          .deadline = s.deadline.view()},
                                         stream));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
  PADGRAPH_RETURN_IF_ERROR(s.deadline.Check());
  const size_t slot = static_cast<size_t>(kCapacity) * kHidden;
  std::vector<uint16_t> gathered(world * slot), received(world * slot);
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaMemcpy(gathered.data(), s.gathered.data(), gathered.size() * 2, cudaMemcpyDeviceToHost));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(received.data(), s.padded_back.data(),
                                           received.size() * 2, cudaMemcpyDeviceToHost));
  const size_t elems = static_cast<size_t>(rows) * kHidden;
  for (int p = 0; p < world; ++p) {
    if (std::memcmp(&gathered[p * slot], routing.x[p].data(), elems * 2) != 0 ||
        std::memcmp(&received[p * slot], routing.x[s.rank].data(), elems * 2) != 0) {
      return absl::InternalError(
          fmt::format("lsa_gather check: rank {}'s slot {} differs from the rows sent", s.rank, p));
    }
  }
  return absl::OkStatus();
}

// kA2aLlRowPath: a2a_ll with line_rows and return_line_rows 0 (a2a_ll.h Notes [Lines for small
// counts] and [Lines back] off: rows both ways), beside the default, so a run shows what lines
// gain at each row count. kA2aLl sends one copy per (token, expert) pair, as issue 4 sets the
// benchmark up; kA2aLlDedup is the library's default, rows once per rank above its automatic
// threshold (a2a_ll.h Note [Rows once per rank]), the rank-deduplicated variant, reported apart
// against the floor of its own bytes.
enum class Backend {
  kA2aLl,
  kA2aPadded,
  kAllGather,
  kEmptyCooperative,
  kEmptyPlain,
  kLsaGather,
  kA2aLlRowPath,
  kEmptyLikeTransport,
  kA2aLlDedup,
  kA2aLlLinesFloor
};

bool IsA2aLl(Backend backend) {
  return backend == Backend::kA2aLl || backend == Backend::kA2aLlRowPath ||
         backend == Backend::kA2aLlDedup;
}

const A2aLl& A2aLlOf(const RankState& s, Backend backend, int sms) {
  switch (backend) {
    case Backend::kA2aLlRowPath:
      return s.a2a_row_path.at(sms);
    case Backend::kA2aLlDedup:
      return s.a2a_dedup.at(sms);
    default:
      return s.a2a.at(sms);
  }
}

// One dispatch + combine of `backend` on the stream (captured kItersPerGraph times).
absl::Status Enqueue(RankState& s, Backend backend, int sms, int iteration) {
  cudaStream_t stream = s.stream.get();
  const size_t count = static_cast<size_t>(s.rows) * kHidden;
  switch (backend) {
    case Backend::kA2aLl:
    case Backend::kA2aLlRowPath:
    case Backend::kA2aLlDedup: {
      const A2aLl& a2a = A2aLlOf(s, backend, sms);
      A2aLlDispatchArgs dispatch;
      dispatch.x = s.x.data();
      dispatch.topk_ids = s.ids.data<int32_t>();
      dispatch.num_rows = s.count.data<int32_t>();
      dispatch.weights = s.weights.data<float>();
      dispatch.rows = s.rows;
      dispatch.layer = iteration % 61;
      dispatch.deadline = s.deadline.view();
      PADGRAPH_RETURN_IF_ERROR(a2a.Dispatch(dispatch, stream));
      A2aLlCombineArgs combine;
      combine.expert_out = a2a.recv_rows();  // no expert compute inside the timing
      combine.weights = s.weights.data<float>();
      combine.rows = s.rows;
      combine.layer = iteration % 61;
      combine.out = s.out.data();
      combine.deadline = s.deadline.view();
      return a2a.Combine(combine, stream);
    }
    case Backend::kA2aPadded: {
      // Every peer gets the bucket rows and returns bucket rows of partial sums.
      const size_t stride = static_cast<size_t>(kCapacity) * kHidden;
      for (int leg = 0; leg < 2; ++leg) {
        PADGRAPH_NCCL_RETURN_IF_ERROR(ncclGroupStart());
        for (int peer = 0; peer < s.world; ++peer) {
          if (peer == s.rank) continue;
          const void* send = leg == 0 ? s.x.data() : s.padded_recv.data<uint16_t>() + peer * stride;
          void* recv = (leg == 0 ? s.padded_recv : s.padded_back).data<uint16_t>() + peer * stride;
          PADGRAPH_NCCL_RETURN_IF_ERROR(
              ncclSend(send, count, ncclBfloat16, peer, s.comm.get(), stream));
          PADGRAPH_NCCL_RETURN_IF_ERROR(
              ncclRecv(recv, count, ncclBfloat16, peer, s.comm.get(), stream));
        }
        PADGRAPH_NCCL_RETURN_IF_ERROR(ncclGroupEnd());
      }
      return absl::OkStatus();
    }
    case Backend::kEmptyCooperative:
    case Backend::kEmptyPlain:
    case Backend::kEmptyLikeTransport: {
      const A2aLl& a2a = s.a2a.at(sms);
      const EmptyLaunch how = backend == Backend::kEmptyCooperative ? EmptyLaunch::kCooperative
                              : backend == Backend::kEmptyPlain     ? EmptyLaunch::kPlain
                                                                    : EmptyLaunch::kLikeTransport;
      PADGRAPH_RETURN_IF_ERROR(LaunchEmptyKernel(a2a.dispatch_blocks(), how, stream));
      return LaunchEmptyKernel(a2a.combine_blocks(), how, stream);
    }
    case Backend::kLsaGather: {
      // The gathered rows stand for the TP GEMMs' partial sums: each rank's slot goes back to it.
      PADGRAPH_RETURN_IF_ERROR(s.lsa->Gather({.local = s.x.data(),
                                              .num_rows = s.count.data<int32_t>(),
                                              .rows = s.rows,
                                              .slot_rows = kCapacity,
                                              .row_bytes = static_cast<int>(kRowBytes),
                                              .gathered = s.gathered.data(),
                                              .layer = iteration % 61,
                                              .deadline = s.deadline.view()},
                                             stream));
      return s.lsa->Return({.partial = s.gathered.data(),
                            .slot_rows = kCapacity,
                            .row_bytes = static_cast<int>(kRowBytes),
                            .received = s.padded_back.data(),
                            .layer = iteration % 61,
                            .deadline = s.deadline.view()},
                           stream);
    }
    case Backend::kA2aLlLinesFloor: {
      const A2aLl& a2a = s.a2a_floor.at(sms);
      PADGRAPH_RETURN_IF_ERROR(a2a.LaunchLinesFloor(FloorLeg(s, 0, iteration % 61), stream));
      return a2a.LaunchLinesFloor(FloorLeg(s, 1, iteration % 61), stream);
    }
    case Backend::kAllGather:
      PADGRAPH_NCCL_RETURN_IF_ERROR(
          ncclAllGather(s.x.data(), s.gathered.data(), count, ncclBfloat16, s.comm.get(), stream));
      PADGRAPH_NCCL_RETURN_IF_ERROR(ncclReduceScatter(s.gathered.data(), s.out.data(), count,
                                                      ncclBfloat16, ncclSum, s.comm.get(), stream));
      return absl::OkStatus();
  }
  return absl::InternalError("unknown backend");
}

// Loopback ranks wait for each other here before launching, so that none launches while a peer
// may still allocate, free or instantiate: calls that can wait for the GPU's kernels, which wait
// for that peer (a2a_ll_test.cc, Rank::AllRanksReady).
void LoopbackRendezvous(RankState& s) {
  if (s.loopback) s.ranks->arrive_and_wait();
}

// Device-side barrier across ranks (for loopback ranks, whose streams share a GPU, a host barrier
// once each has finished its last replay), then the timed work, then the elapsed device time in ms.
absl::Status TimedReplay(RankState& s, const std::function<absl::Status()>& work, float* ms) {
  cudaStream_t stream = s.stream.get();
  if (s.loopback) {
    LoopbackRendezvous(s);
  } else {
    PADGRAPH_NCCL_RETURN_IF_ERROR(ncclAllReduce(s.barrier_int.data(), s.barrier_int.data(), 1,
                                                ncclInt32, ncclSum, s.comm.get(), stream));
  }
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventRecord(s.start.get(), stream));
  PADGRAPH_RETURN_IF_ERROR(work());
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventRecord(s.stop.get(), stream));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventSynchronize(s.stop.get()));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventElapsedTime(ms, s.start.get(), s.stop.get()));
  return absl::OkStatus();
}

// Replays the captured graph kReplays times; reports the median of the slowest rank's time per
// iteration.
void TimeReplays(benchmark::State& state, Team& team, int per_replay,
                 const std::function<absl::Status(RankState&)>& work) {
  std::vector<double> us;
  std::vector<float> rank_ms(team.world());
  for (auto _ : state) {
    absl::Status status = team.Run([&](RankState& s) {
      return TimedReplay(
          s, [&] { return work(s); }, &rank_ms[s.rank]);
    });
    if (!status.ok()) {
      state.SkipWithError(std::string(status.message()).c_str());
      return;
    }
    const double slowest_us = *std::max_element(rank_ms.begin(), rank_ms.end()) * 1e3 / per_replay;
    us.push_back(slowest_us);
    state.SetIterationTime(slowest_us * 1e-6);
  }
  std::sort(us.begin(), us.end());
  state.counters["median_us"] = us[us.size() / 2];
  state.counters["min_us"] = us.front();
}

void BM_Egress(benchmark::State& state) {
  const int world = static_cast<int>(state.range(0));
  const bool copy_engine = state.range(1) == 0;
  Team* team_or_null = TeamOrSkip(state, world);
  if (team_or_null == nullptr) return;
  Team& team = *team_or_null;
  constexpr int kLaunches = 4;
  // Bytes one GPU sends per launch: copy engine to the next rank; SM kernel to all peers.
  const size_t bytes =
      copy_engine ? kProbeBytes : kProbeBytes / (world - 1) / 16 * 16 * (world - 1);
  TimeReplays(state, team, kLaunches, [&](RankState& s) -> absl::Status {
    for (int i = 0; i < kLaunches; ++i) {
      if (copy_engine) {
        const int peer = (s.rank + 1) % s.world;
        PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpyPeerAsync(
            (*s.landings)[peer], peer, s.probe_source.data(), s.rank, kProbeBytes, s.stream.get()));
      } else {
        int sms = 0;
        cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, s.rank);
        PADGRAPH_RETURN_IF_ERROR(s.a2a.begin()->second.LaunchEgressProbe(
            s.probe_source.data(), bytes / (s.world - 1), sms, s.stream.get()));
      }
    }
    return absl::OkStatus();
  });
  const double gbps = bytes / (state.counters["median_us"] * 1e3);
  state.counters["GBps"] = gbps;
  team.egress_gbps = std::max(team.egress_gbps, gbps);
}

void BM_DispatchCombine(benchmark::State& state) {
  const int world = static_cast<int>(state.range(0));
  const auto backend = static_cast<Backend>(state.range(1));
  const int rows = static_cast<int>(state.range(2));
  const int sms = static_cast<int>(state.range(3));
  const bool loopback = state.range(4) != 0;
  Team* team_or_null = TeamOrSkip(state, world, loopback);
  if (team_or_null == nullptr) return;
  Team& team = *team_or_null;
  const Routing routing = MakeRouting(world, rows);
  absl::Status built = team.Run([&](RankState& s) -> absl::Status {
    s.exec.Reset();
    PADGRAPH_RETURN_IF_ERROR(Stage(s, routing, rows));
    LoopbackRendezvous(s);
    if (IsA2aLl(backend))
      PADGRAPH_RETURN_IF_ERROR(CheckA2aLl(s, A2aLlOf(s, backend, sms), routing, rows));
    if (backend == Backend::kLsaGather) PADGRAPH_RETURN_IF_ERROR(CheckLsaGather(s, routing, rows));
    if (backend == Backend::kA2aLlLinesFloor)
      PADGRAPH_RETURN_IF_ERROR(CheckLinesFloor(s, s.a2a_floor.at(sms), routing));
    cudaStream_t stream = s.stream.get();
    // One eager round first: NCCL connects peers for send/recv lazily, which capture cannot do.
    PADGRAPH_RETURN_IF_ERROR(Enqueue(s, backend, sms, 0));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    PADGRAPH_ASSIGN_OR_RETURN(const CudaGraph graph, CaptureGraph(stream, [&]() -> absl::Status {
                                for (int i = 0; i < kItersPerGraph; ++i)
                                  PADGRAPH_RETURN_IF_ERROR(Enqueue(s, backend, sms, i));
                                return absl::OkStatus();
                              }));
    PADGRAPH_ASSIGN_OR_RETURN(s.exec, Instantiate(graph));
    LoopbackRendezvous(s);
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(s.exec.get(), stream));  // warm-up
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    return s.deadline.Check();
  });
  if (!built.ok()) {
    state.SkipWithError(std::string(built.message()).c_str());
    return;
  }
  TimeReplays(state, team, kItersPerGraph, [](RankState& s) -> absl::Status {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(s.exec.get(), s.stream.get()));
    return absl::OkStatus();
  });
  // A dense-TP exchange moves each rank's rows to every peer and as many back.
  uint64_t busiest = backend == Backend::kLsaGather ? 2 * rows * (world - 1) * kRowBytes : 0;
  // The deduplicated variant's rows go once per peer only from its threshold on.
  const A2aLlOptions options = A2aLlOptionsFor(sms);
  const bool once_per_rank =
      backend == Backend::kA2aLlDedup &&
      rows > A2aLlThresholdsFor(options.line_rows, options.return_line_rows,
                                kA2aLlRankDedupRowsAuto, sms, kCapacity, world)
                 .rank_dedup_rows;
  for (int rank = 0; rank < world && backend != Backend::kLsaGather; ++rank)
    busiest = std::max(busiest, NvlinkBytes(routing, world, rank, once_per_rank));
  const double median_us = state.counters["median_us"];
  state.counters["checked"] =
      IsA2aLl(backend) || backend == Backend::kLsaGather || backend == Backend::kA2aLlLinesFloor
          ? 1
          : 0;
  if (loopback) return;  // no NVLink: no bytes over it, no floor
  state.counters["nvlink_bytes"] = static_cast<double>(busiest);
  state.counters["GBps"] = busiest / (median_us * 1e3);
  if (team.egress_gbps > 0 && busiest > 0) {
    const double floor_us = busiest / (team.egress_gbps * 1e3);
    state.counters["egress_GBps"] = team.egress_gbps;
    state.counters["floor_us"] = floor_us;
    state.counters["ratio_to_floor"] = median_us / floor_us;
  }
}

const char* BackendName(Backend backend) {
  switch (backend) {
    case Backend::kA2aLl:
      return "a2a_ll";
    case Backend::kA2aPadded:
      return "a2a_padded";
    case Backend::kAllGather:
      return "allgather";
    case Backend::kEmptyCooperative:
      return "empty_cooperative";
    case Backend::kEmptyPlain:
      return "empty_plain";
    case Backend::kEmptyLikeTransport:
      return "empty_like_transport";
    case Backend::kLsaGather:
      return "lsa_gather";
    case Backend::kA2aLlRowPath:
      return "a2a_ll_row_path";
    case Backend::kA2aLlDedup:
      return "a2a_ll_dedup";
    case Backend::kA2aLlLinesFloor:
      return "a2a_ll_lines_floor";
  }
  return "?";
}

// Rows per rank of the dispatch_combine cases: kDefaultRows, or the comma-separated list in
// PADGRAPH_DISPATCH_ROWS (each in [1, kCapacity]), e.g. to find where two a2a_ll options cross.
absl::StatusOr<std::vector<int>> RowsToRun() {
  const char* list = std::getenv("PADGRAPH_DISPATCH_ROWS");
  if (list == nullptr || *list == '\0') return kDefaultRows;
  std::vector<int> rows;
  for (std::string_view rest = list; !rest.empty();) {
    const std::string_view item = rest.substr(0, rest.find(','));
    rest.remove_prefix(std::min(rest.size(), item.size() + 1));
    int value = 0;
    const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (error != std::errc() || end != item.data() + item.size() || value < 1 ||
        value > kCapacity) {
      return absl::InvalidArgumentError(fmt::format(
          "PADGRAPH_DISPATCH_ROWS: '{}' is not a row count in [1, {}]", item, kCapacity));
    }
    rows.push_back(value);
  }
  return rows;
}

// One case: kReplays replays, each timed by device events, reported in microseconds.
void RegisterTimed(const std::string& name, void (*function)(benchmark::State&),
                   const std::vector<int64_t>& args) {
  benchmark::RegisterBenchmark(name.c_str(), function)
      ->Args(args)
      ->UseManualTime()
      ->Iterations(kReplays)
      ->Unit(benchmark::kMicrosecond);
}

absl::Status Register() {
  PADGRAPH_ASSIGN_OR_RETURN(const std::vector<int> rows_to_run, RowsToRun());
  for (int world : kWorlds) {
    for (int copy_engine : {0, 1}) {
      RegisterTimed(fmt::format("egress/world:{}/{}", world,
                                copy_engine == 0 ? "copy_one_peer" : "sm_all_peers"),
                    BM_Egress, {world, copy_engine});
    }
    for (int rows : rows_to_run) {
      for (Backend backend : {Backend::kA2aLl, Backend::kA2aLlRowPath, Backend::kA2aLlDedup,
                              Backend::kA2aLlLinesFloor, Backend::kA2aPadded, Backend::kAllGather,
                              Backend::kLsaGather}) {
        for (int sms : kSmBudgets) {
          const bool a2a_ll = IsA2aLl(backend) || backend == Backend::kA2aLlLinesFloor;
          if (!a2a_ll && sms != kSmBudgets[0]) continue;
          const std::string name = a2a_ll
                                       ? fmt::format("dispatch_combine/world:{}/{}/rows:{}/sms:{}",
                                                     world, BackendName(backend), rows, sms)
                                       : fmt::format("dispatch_combine/world:{}/{}/rows:{}", world,
                                                     BackendName(backend), rows);
          RegisterTimed(name, BM_DispatchCombine, {world, static_cast<int>(backend), rows, sms, 0});
        }
      }
    }
    // What a figure at 1 row is made of: a2a_ll with no rows at all (flags only) and the kernel
    // boundaries alone, at the smallest and the largest SM budget (where a2a_ll's two grids
    // cannot be resident at once, so the second cannot launch early).
    for (Backend backend : {Backend::kA2aLl, Backend::kEmptyCooperative, Backend::kEmptyPlain,
                            Backend::kEmptyLikeTransport}) {
      for (int sms : {kSmBudgets[0], kSmBudgets[std::size(kSmBudgets) - 1]}) {
        if (backend == Backend::kA2aLl && sms != kSmBudgets[0]) continue;
        const int rows = backend == Backend::kA2aLl ? 0 : 1;
        RegisterTimed(
            fmt::format("parts/world:{}/{}/rows:{}/sms:{}", world, BackendName(backend), rows, sms),
            BM_DispatchCombine, {world, static_cast<int>(backend), rows, sms, 0});
      }
    }
  }
  // Loopback ranks (Note [Loopback ranks]): the protocol's own steps on one GPU, without NVLink,
  // with the row path and the default beside it; rows 0 is the flags alone.
  std::vector<int> loopback_rows = {0};
  loopback_rows.insert(loopback_rows.end(), rows_to_run.begin(), rows_to_run.end());
  const auto register_loopback = [](int world, Backend backend, int rows, int sms) {
    RegisterTimed(
        fmt::format("loopback/world:{}/{}/rows:{}/sms:{}", world, BackendName(backend), rows, sms),
        BM_DispatchCombine, {world, static_cast<int>(backend), rows, sms, 1});
  };
  for (int world : kWorlds) {
    for (int rows : loopback_rows) {
      for (Backend backend : {Backend::kA2aLl, Backend::kA2aLlRowPath, Backend::kA2aLlDedup})
        register_loopback(world, backend, rows, LoopbackSms(world));
      if (LoopbackNvlinkSms(world) > 0)
        register_loopback(world, Backend::kA2aLl, rows, LoopbackNvlinkSms(world));
    }
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace padgraph

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (const absl::Status registered = padgraph::Register(); !registered.ok()) {
    fmt::print(stderr, "dispatch_combine_bench: {}\n", registered.ToString());
    return 2;
  }
  benchmark::RunSpecifiedBenchmarks();
  padgraph::CurrentTeam().reset();  // graphs, A2aLl windows and communicators, in that order
  benchmark::Shutdown();
  return 0;
}
