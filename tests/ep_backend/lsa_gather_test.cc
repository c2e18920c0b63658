// lsa_gather on 2 and 4 GPUs, one thread per GPU, and (but for the tests of Create) as 2 and 4
// loopback ranks on one GPU (Note [Loopback ranks]): 1,000 Gather + Return pairs back to back with
// seeded random counts (idle and full ranks, out-of-range device counts that the kernel clamps),
// half of them as replays of a captured graph, every row checked bit for bit, graph replays equal
// to the same launches made eagerly, rows a launch must not write left alone, and device byte
// counters equal to the real rows' bytes; the same under jitter; a bounded wait that expires
// naming the layer and the peer when one rank skips a Gather; an expiry passed on to a slow rank;
// options that differ across ranks failing Create on every rank, and so does a window that one
// rank cannot allocate; bad arguments rejected.
#include "padgraph/ep_backend/lsa_gather.h"

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <algorithm>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "padgraph/ep_backend/a2a_ll_testing.h"
#include "padgraph/ep_backend/nccl_comm.h"
#include "padgraph/graph_runtime/cuda_check.h"
#include "padgraph/graph_runtime/cuda_handles.h"
#include "padgraph/graph_runtime/deadline.h"
#include "padgraph/padding_policy/status_macros.h"
#include "ranks_test_util.h"

namespace padgraph {
namespace {

using ranks_test::GpuCount;
using ranks_test::OnRanks;
using ranks_test::OnTeamThreads;
using ranks_test::Team;

constexpr uint32_t kPoisonWord = 0xffffffffu;  // caller rows a launch must not write keep it
constexpr int kSlotRows = 32;
constexpr int kGatherRowBytes = 256;  // a bf16 hidden row of 128
constexpr int kReturnRowBytes = 512;  // an fp32 vocab-shard row of 128: the widest row
constexpr int kGatherRowWords = kGatherRowBytes / 4;
constexpr int kReturnRowWords = kReturnRowBytes / 4;
constexpr int kMaxSms = 8;
constexpr int kGraphPairs = 4;  // Gather + Return pairs in the captured graph, layers 0..3
constexpr int kBatchSteps = 100;

LsaGatherOptions Options(uint32_t jitter_ns = 0) {
  LsaGatherOptions options;
  options.row_bytes = kReturnRowBytes;
  options.slot_rows = kSlotRows;
  options.max_sms = kMaxSms;
  options.jitter_max_ns = jitter_ns;
  return options;
}

// Word `word` of row `row` of what `source` gives `destination` at `step`: rows of `local`
// (kLocalRows, the same for every destination) or of `partial` slot `destination`.
enum RowKind : uint64_t { kLocalRows = 1, kPartialRows = 2 };
uint32_t Pattern(RowKind kind, int source, int destination, int step, int row, int word) {
  uint64_t x = kind;
  for (int part : {source, destination, step, row, word}) {
    x = (x ^ static_cast<uint64_t>(part)) * 0x9e3779b97f4a7c15ull;
    x ^= x >> 29;
  }
  return static_cast<uint32_t>(x >> 16);
}

// One Gather + Return pair: the rows every rank gives and the device value it passes for them.
struct Step {
  int index = 0;                  // global, for the row patterns
  int rows = kSlotRows;           // args.rows, the host bound
  std::vector<int32_t> num_rows;  // [world] device values, out of range at times
  std::vector<int> counts;        // [world] num_rows clamped to [0, rows]: the rows that move
};

// Idle ranks (one in five), full ones (one in five), some device counts below 0 or above rows, and
// in eager steps at times a host bound of half a slot.
std::vector<Step> MakeSteps(int world, int first, int count, uint64_t seed, bool graph) {
  std::mt19937_64 rng(seed + first);
  std::vector<Step> steps;
  for (int index = first; index < first + count; ++index) {
    Step step;
    step.index = index;
    step.rows = !graph && index % 10 == 3 ? kSlotRows / 2 : kSlotRows;
    for (int rank = 0; rank < world; ++rank) {
      const int pick = std::uniform_int_distribution<int>(0, 9)(rng);
      int32_t value = pick < 2   ? 0
                      : pick < 4 ? kSlotRows
                                 : std::uniform_int_distribution<int32_t>(1, kSlotRows)(rng);
      if (index % 3 == 0 && value == 0) value = -3;
      if (index % 3 == 0 && value == kSlotRows) value = kSlotRows + 5;
      step.num_rows.push_back(value);
      step.counts.push_back(std::clamp<int>(value, 0, step.rows));
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

// Row bytes moved per rank, as LsaGatherCounters counts them.
struct Bytes {
  uint64_t gather_peer = 0, gather_self = 0, gather_received = 0;
  uint64_t return_peer = 0, return_self = 0, return_received = 0;

  void Add(const Step& step, int world, int rank) {
    const uint64_t own = static_cast<uint64_t>(step.counts[rank]);
    gather_peer += own * kGatherRowBytes * (world - 1);
    gather_self += own * kGatherRowBytes;
    return_self += own * kReturnRowBytes;
    return_received += own * kReturnRowBytes * (world - 1);
    for (int peer = 0; peer < world; ++peer) {
      if (peer == rank) continue;
      const uint64_t theirs = static_cast<uint64_t>(step.counts[peer]);
      gather_received += theirs * kGatherRowBytes;
      return_peer += theirs * kReturnRowBytes;
    }
  }
  bool operator==(const Bytes&) const = default;
};

// Device inputs and outputs of `steps` pairs for one rank, each pair at its own slice.
struct StepBuffers {
  int world = 0;
  int steps = 0;
  DeviceBuffer local, num_rows, partial, gathered, received, counts;

  static size_t LocalWords() { return static_cast<size_t>(kSlotRows) * kGatherRowWords; }
  size_t GatheredWords() const { return world * LocalWords(); }
  size_t PartialWords() const { return static_cast<size_t>(world) * kSlotRows * kReturnRowWords; }

  static absl::StatusOr<StepBuffers> Allocate(int world, int steps) {
    StepBuffers b;
    b.world = world;
    b.steps = steps;
    PADGRAPH_ASSIGN_OR_RETURN(b.local, DeviceBuffer::Allocate(steps * LocalWords() * 4));
    PADGRAPH_ASSIGN_OR_RETURN(b.num_rows, DeviceBuffer::Allocate(steps * sizeof(int32_t)));
    PADGRAPH_ASSIGN_OR_RETURN(b.partial, DeviceBuffer::Allocate(steps * b.PartialWords() * 4));
    PADGRAPH_ASSIGN_OR_RETURN(b.gathered, DeviceBuffer::Allocate(steps * b.GatheredWords() * 4));
    PADGRAPH_ASSIGN_OR_RETURN(b.received, DeviceBuffer::Allocate(steps * b.PartialWords() * 4));
    PADGRAPH_ASSIGN_OR_RETURN(b.counts, DeviceBuffer::Allocate(steps * world * sizeof(int32_t)));
    return b;
  }

  // Every row of `local` and `partial` filled (padded rows too: they must not move), outputs
  // poisoned; queued on `stream`.
  absl::Status Fill(int rank, const std::vector<Step>& batch, cudaStream_t stream) {
    std::vector<uint32_t> local_host(steps * LocalWords());
    std::vector<uint32_t> partial_host(steps * PartialWords());
    std::vector<int32_t> num_rows_host(steps);
    for (int i = 0; i < steps; ++i) {
      const Step& step = batch[i];
      num_rows_host[i] = step.num_rows[rank];
      for (int row = 0; row < kSlotRows; ++row) {
        for (int w = 0; w < kGatherRowWords; ++w) {
          local_host[i * LocalWords() + row * kGatherRowWords + w] =
              Pattern(kLocalRows, rank, 0, step.index, row, w);
        }
      }
      for (int slot = 0; slot < world; ++slot) {
        for (int row = 0; row < kSlotRows; ++row) {
          for (int w = 0; w < kReturnRowWords; ++w) {
            partial_host[i * PartialWords() + (slot * kSlotRows + row) * kReturnRowWords + w] =
                Pattern(kPartialRows, rank, slot, step.index, row, w);
          }
        }
      }
    }
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(local.data(), local_host.data(), local.bytes(),
                                                  cudaMemcpyHostToDevice, stream));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(partial.data(), partial_host.data(),
                                                  partial.bytes(), cudaMemcpyHostToDevice, stream));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(
        num_rows.data(), num_rows_host.data(), num_rows.bytes(), cudaMemcpyHostToDevice, stream));
    PADGRAPH_RETURN_IF_ERROR(PoisonOutputs(stream));
    // The host vectors die here: let the copies finish.
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    return absl::OkStatus();
  }
  absl::Status PoisonOutputs(cudaStream_t stream) const {
    for (const DeviceBuffer* out : {&gathered, &received, &counts}) {
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(out->data(), 0xff, out->bytes(), stream));
    }
    return absl::OkStatus();
  }

  LsaGatherArgs GatherArgs(int i, int rows, int layer, const DeadlineView& deadline) const {
    LsaGatherArgs args;
    args.local = local.data<uint32_t>() + i * LocalWords();
    args.num_rows = num_rows.data<int32_t>() + i;
    args.rows = rows;
    args.slot_rows = kSlotRows;
    args.row_bytes = kGatherRowBytes;
    args.gathered = gathered.data<uint32_t>() + i * GatheredWords();
    args.layer = layer;
    args.deadline = deadline;
    return args;
  }
  LsaReturnArgs ReturnArgs(int i, int layer, const DeadlineView& deadline) const {
    LsaReturnArgs args;
    args.partial = partial.data<uint32_t>() + i * PartialWords();
    args.slot_rows = kSlotRows;
    args.row_bytes = kReturnRowBytes;
    args.received = received.data<uint32_t>() + i * PartialWords();
    args.layer = layer;
    args.deadline = deadline;
    return args;
  }

  // Host copies of the outputs.
  struct Outputs {
    std::vector<uint32_t> gathered, received;
    std::vector<int32_t> counts;
    bool operator==(const Outputs&) const = default;
  };
  absl::StatusOr<Outputs> Read() const {
    Outputs out;
    out.gathered.resize(gathered.bytes() / 4);
    out.received.resize(received.bytes() / 4);
    out.counts.resize(counts.bytes() / 4);
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaMemcpy(out.gathered.data(), gathered.data(), gathered.bytes(), cudaMemcpyDeviceToHost));
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaMemcpy(out.received.data(), received.data(), received.bytes(), cudaMemcpyDeviceToHost));
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaMemcpy(out.counts.data(), counts.data(), counts.bytes(), cudaMemcpyDeviceToHost));
    return out;
  }

  // Pair i of `out` against the patterns: slot p of `gathered` holds rank p's first counts[p]
  // local rows, slot p of `received` rank p's partial rows for this rank's counts[rank] rows,
  // every other row still poisoned, and counts() copied after the Gather equal to the counts.
  absl::Status Check(const Outputs& out, int i, int rank, const Step& step,
                     const std::string& what) const {
    const int own = step.counts[rank];
    for (int p = 0; p < world; ++p) {
      const int32_t count = out.counts[i * world + p];
      if (count != step.counts[p]) {
        return absl::InternalError(fmt::format("{}: rank {} counts()[{}] = {}, want {}", what, rank,
                                               p, count, step.counts[p]));
      }
      for (int row = 0; row < kSlotRows; ++row) {
        for (int w = 0; w < kGatherRowWords; ++w) {
          const uint32_t got =
              out.gathered[i * GatheredWords() + (p * kSlotRows + row) * kGatherRowWords + w];
          const uint32_t want =
              row < step.counts[p] ? Pattern(kLocalRows, p, 0, step.index, row, w) : kPoisonWord;
          if (got != want) {
            return absl::InternalError(
                fmt::format("{}: rank {} gathered slot {} row {} word {}: {:#x}, want {:#x} ({} "
                            "real rows)",
                            what, rank, p, row, w, got, want, step.counts[p]));
          }
        }
        for (int w = 0; w < kReturnRowWords; ++w) {
          const uint32_t got =
              out.received[i * PartialWords() + (p * kSlotRows + row) * kReturnRowWords + w];
          const uint32_t want =
              row < own ? Pattern(kPartialRows, p, rank, step.index, row, w) : kPoisonWord;
          if (got != want) {
            return absl::InternalError(
                fmt::format("{}: rank {} received slot {} row {} word {}: {:#x}, want {:#x} ({} "
                            "real rows)",
                            what, rank, p, row, w, got, want, own));
          }
        }
      }
    }
    return absl::OkStatus();
  }
};

// One rank's transport: communicator (none for loopback ranks), stream, deadline, LsaGather;
// torn down in the documented order (graphs first, by their owners' scopes; then Destroy; then
// the communicator).
struct Rank {
  int rank = 0;
  NcclComm comm;
  CudaStream stream;
  Deadline deadline;
  LsaGather gather;
  Team team;
  std::barrier<>* ranks = nullptr;  // every rank's thread (ranks_test::OnTeamThreads)

  // With `loopback` the transport comes made (its team's rank `rank`); else Create makes it over
  // a new communicator.
  static absl::StatusOr<Rank> Create(int world, int rank, const ncclUniqueId& id,
                                     const LsaGatherOptions& options,
                                     absl::Duration budget = absl::Seconds(20),
                                     LsaGather* loopback = nullptr) {
    Rank r;
    r.rank = rank;
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(loopback != nullptr ? 0 : rank));
    PADGRAPH_ASSIGN_OR_RETURN(r.stream, MakeStream());
    PADGRAPH_ASSIGN_OR_RETURN(r.deadline, Deadline::Create(budget));
    if (loopback != nullptr) {
      r.gather = std::move(*loopback);
      PADGRAPH_RETURN_IF_ERROR(MakeFirstLaunch(r.stream.get()));
    } else {
      PADGRAPH_ASSIGN_OR_RETURN(r.comm, NcclComm::InitRank(world, rank, id));
      PADGRAPH_ASSIGN_OR_RETURN(r.gather, LsaGather::Create(r.comm.get(), options));
    }
    return r;
  }
  void AllRanksReady() const { ranks_test::AllRanksReady(team, ranks); }
  // Gather, Return, then counts() (which holds until the next Gather) saved beside the outputs:
  // one layer's pair. The Return follows its Gather directly, as in the benchmark, so it may
  // start while the Gather that writes its launch counters runs (device_exchange.cuh,
  // OwnLaunchCounter: a read of the counter before the wait lost that race).
  absl::Status Pair(const StepBuffers& b, int i, int rows, int layer) {
    PADGRAPH_RETURN_IF_ERROR(
        gather.Gather(b.GatherArgs(i, rows, layer, deadline.view()), stream.get()));
    PADGRAPH_RETURN_IF_ERROR(gather.Return(b.ReturnArgs(i, layer, deadline.view()), stream.get()));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(b.counts.data<int32_t>() + i * b.world,
                                                  gather.counts(), b.world * sizeof(int32_t),
                                                  cudaMemcpyDeviceToDevice, stream.get()));
    return absl::OkStatus();
  }
  absl::Status Synchronize() {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream.get()));
    return deadline.Check();
  }
  absl::Status Teardown() {
    PADGRAPH_RETURN_IF_ERROR(gather.Destroy());
    return comm.get() != nullptr ? comm.Finalize() : absl::OkStatus();
  }
};

// Runs `body` on one thread per rank of `team`, each with its Rank (loopback ranks from
// LsaGather::CreateLoopback), and tears every Rank down.
void OnTeam(const Team& team, const LsaGatherOptions& options, absl::Duration budget,
            const std::function<absl::Status(Rank&)>& body) {
  ranks_test::OnTeam<Rank, LsaGather>(
      team, [&] { return LsaGather::CreateLoopback(team.world, options); },
      [&](int rank, const ncclUniqueId& id, LsaGather* loopback) {
        return Rank::Create(team.world, rank, id, options, budget, loopback);
      },
      body);
}

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// Pair `first`'s part of a buffer of `b`, whose steps lie one after another.
char* StepSlice(const StepBuffers& b, const DeviceBuffer& buffer, int first) {
  return buffer.data<char>() + static_cast<size_t>(first) * (buffer.bytes() / b.steps);
}

// The pairs of a graph batch: the captured graph replayed kBatchSteps / kGraphPairs times, inputs
// staged into its static buffers before each replay and outputs saved after it, all queued.
absl::Status ReplayBatch(Rank& r, cudaGraphExec_t exec, const StepBuffers& statics,
                         const StepBuffers& pool) {
  cudaStream_t stream = r.stream.get();
  for (int first = 0; first < kBatchSteps; first += kGraphPairs) {
    for (auto member : {&StepBuffers::local, &StepBuffers::num_rows, &StepBuffers::partial}) {
      const DeviceBuffer& to = statics.*member;
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(to.data(), StepSlice(pool, pool.*member, first),
                                                    to.bytes(), cudaMemcpyDeviceToDevice, stream));
    }
    PADGRAPH_RETURN_IF_ERROR(statics.PoisonOutputs(stream));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(exec, stream));
    for (auto member : {&StepBuffers::gathered, &StepBuffers::received, &StepBuffers::counts}) {
      const DeviceBuffer& from = statics.*member;
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(StepSlice(pool, pool.*member, first),
                                                    from.data(), from.bytes(),
                                                    cudaMemcpyDeviceToDevice, stream));
    }
  }
  return absl::OkStatus();
}

// `total_steps` pairs in batches of kBatchSteps, even batches eager, odd ones graph replays that
// are then made eagerly too and compared bit for bit; every pair checked against the patterns,
// and the byte counters against the real rows of every launch made.
void RunPairs(const Team& team, uint32_t jitter_ns, int total_steps, uint64_t seed) {
  const int world = team.world;
  std::vector<std::vector<Step>> batches;
  for (int first = 0; first < total_steps; first += kBatchSteps) {
    const bool graph = first / kBatchSteps % 2 == 1;
    batches.push_back(MakeSteps(world, first, kBatchSteps, seed, graph));
  }
  OnTeam(team, Options(jitter_ns), absl::Seconds(20), [&](Rank& r) -> absl::Status {
    const int rank = r.rank;
    cudaStream_t stream = r.stream.get();
    PADGRAPH_ASSIGN_OR_RETURN(StepBuffers pool, StepBuffers::Allocate(world, kBatchSteps));
    PADGRAPH_ASSIGN_OR_RETURN(StepBuffers eager, StepBuffers::Allocate(world, kBatchSteps));
    PADGRAPH_ASSIGN_OR_RETURN(StepBuffers statics, StepBuffers::Allocate(world, kGraphPairs));
    PADGRAPH_ASSIGN_OR_RETURN(
        const CudaGraph graph, CaptureGraph(stream, [&]() -> absl::Status {
          for (int i = 0; i < kGraphPairs; ++i)
            PADGRAPH_RETURN_IF_ERROR(r.Pair(statics, i, kSlotRows, /*layer=*/i));
          return absl::OkStatus();
        }));
    PADGRAPH_ASSIGN_OR_RETURN(const CudaGraphExec exec, Instantiate(graph));

    Bytes want;
    for (size_t b = 0; b < batches.size(); ++b) {
      const std::vector<Step>& steps = batches[b];
      const bool graph_batch = b % 2 == 1;
      // Fill copies from pageable memory: loopback ranks do it only while no peer waits on them.
      PADGRAPH_RETURN_IF_ERROR(pool.Fill(rank, steps, stream));
      r.AllRanksReady();
      if (graph_batch) {
        PADGRAPH_RETURN_IF_ERROR(ReplayBatch(r, exec.get(), statics, pool));
        PADGRAPH_RETURN_IF_ERROR(eager.Fill(rank, steps, stream));
        r.AllRanksReady();
      }
      const StepBuffers& eager_out = graph_batch ? eager : pool;
      for (int i = 0; i < kBatchSteps; ++i) {
        PADGRAPH_RETURN_IF_ERROR(r.Pair(eager_out, i, steps[i].rows, i % kGraphPairs));
      }
      PADGRAPH_RETURN_IF_ERROR(r.Synchronize());
      PADGRAPH_ASSIGN_OR_RETURN(StepBuffers::Outputs out, pool.Read());
      for (int i = 0; i < kBatchSteps; ++i) {
        for (int times = graph_batch ? 2 : 1; times > 0; --times)
          want.Add(steps[i], world, rank);
        PADGRAPH_RETURN_IF_ERROR(pool.Check(
            out, i, rank, steps[i],
            fmt::format("{} step {}", graph_batch ? "replayed" : "eager", steps[i].index)));
      }
      if (graph_batch) {
        PADGRAPH_ASSIGN_OR_RETURN(StepBuffers::Outputs eager_host, eager.Read());
        if (!(eager_host == out)) {
          return absl::InternalError(fmt::format(
              "rank {}: batch {} replayed differs from the same pairs made eagerly", rank, b));
        }
      }
    }
    PADGRAPH_ASSIGN_OR_RETURN(LsaGatherCounters got, r.gather.ReadCounters());
    const Bytes counted = {got.gather_peer_bytes, got.gather_self_bytes, got.gather_received_bytes,
                           got.return_peer_bytes, got.return_self_bytes, got.return_received_bytes};
    if (!(counted == want)) {
      return absl::InternalError(fmt::format(
          "rank {} byte counters: gather {} + {} self, {} received; return {} + {} self, {} "
          "received; real rows give {} + {}, {}; {} + {}, {}",
          rank, counted.gather_peer, counted.gather_self, counted.gather_received,
          counted.return_peer, counted.return_self, counted.return_received, want.gather_peer,
          want.gather_self, want.gather_received, want.return_peer, want.return_self,
          want.return_received));
    }
    return absl::OkStatus();
  });
}

class LsaGatherTest : public ranks_test::TeamTest {};

// Tests of Create, which only ranks with a communicator have.
class LsaGatherNcclTest : public ranks_test::GpuCountTest {};

// (a) 1,000 pairs: 500 eager, 500 as 125 replays of a four-pair graph (then eagerly again, equal
// bit for bit). Only real rows move: padded rows of every input carry patterns, and every output
// row past the counts keeps its poison; the byte counters equal the real rows' bytes.
TEST_P(LsaGatherTest, RandomCountsMoveOnlyRealRowsBitForBit) {
  RunPairs(GetParam(), /*jitter_ns=*/0, /*total_steps=*/1000, /*seed=*/17);
}

// (b) Random sleeps before every row store, flag store and poll (a2a_ll.h Note [Jitter]) reorder
// blocks across ranks: over 10,000 pairs (half of them graph replays, each also made eagerly) the
// results stay exact.
TEST_P(LsaGatherTest, JitterStressIsBitForBitStable) {
  RunPairs(GetParam(), /*jitter_ns=*/3000, /*total_steps=*/10000, /*seed=*/29);
}

// (c) Rank 1 skips the Gather of layer 1 (it launches layer 2's). Every other rank's wait for it
// expires within the budget naming layer 1 and rank 1; rank 1's own waits (for layer 2) expire
// naming layer 2 and another rank. No rank launches again until every rank's wait ended (so no
// poison word can end one early); later launches then exit at once.
TEST_P(LsaGatherTest, SkippedGatherExpiresNamingTheLayerAndThePeer) {
  const int world = GetParam().world;
  constexpr absl::Duration kBudget = absl::Milliseconds(100);
  const std::vector<Step> steps = MakeSteps(world, 0, 3, 500, /*graph=*/false);
  OnTeam(GetParam(), Options(), kBudget, [&](Rank& r) -> absl::Status {
    const int rank = r.rank;
    StepBuffers b;
    const int layer = rank == 1 ? 2 : 1;
    double expired_ms = 0;
    absl::Status waited = [&]() -> absl::Status {
      PADGRAPH_ASSIGN_OR_RETURN(b, StepBuffers::Allocate(world, 3));
      PADGRAPH_RETURN_IF_ERROR(b.Fill(rank, steps, r.stream.get()));
      r.AllRanksReady();
      PADGRAPH_RETURN_IF_ERROR(r.Pair(b, 0, steps[0].rows, 0));
      PADGRAPH_RETURN_IF_ERROR(r.Synchronize());
      const auto start = std::chrono::steady_clock::now();
      PADGRAPH_RETURN_IF_ERROR(r.gather.Gather(
          b.GatherArgs(1, steps[1].rows, layer, r.deadline.view()), r.stream.get()));
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(r.stream.get()));
      expired_ms = MillisecondsSince(start);
      return absl::OkStatus();
    }();
    r.ranks->arrive_and_wait();  // every rank's wait ended (a rank that failed has left)
    PADGRAPH_RETURN_IF_ERROR(waited);
    const absl::Status check = r.deadline.Check();
    const std::string message(check.message());
    const std::string want_layer = fmt::format("at layer {},", layer);
    const bool names_peer = rank == 1 ? message.find("waiting for rank ") != std::string::npos &&
                                            message.find("waiting for rank 1;") == std::string::npos
                                      : message.find("waiting for rank 1;") != std::string::npos;
    if (!absl::IsDeadlineExceeded(check) || message.find(want_layer) == std::string::npos ||
        !names_peer) {
      return absl::InternalError(
          fmt::format("rank {}: wanted DeadlineExceeded naming layer {} and {}, got {}", rank,
                      layer, rank == 1 ? "a rank other than 1" : "rank 1", check.ToString()));
    }
    if (expired_ms < 0.9 * absl::ToDoubleMilliseconds(kBudget) ||
        expired_ms > absl::ToDoubleMilliseconds(kBudget) + 2000) {
      return absl::InternalError(
          fmt::format("rank {}: the wait expired after {} ms", rank, expired_ms));
    }
    const auto start = std::chrono::steady_clock::now();
    PADGRAPH_RETURN_IF_ERROR(
        r.gather.Return(b.ReturnArgs(1, layer, r.deadline.view()), r.stream.get()));
    PADGRAPH_RETURN_IF_ERROR(
        r.gather.Gather(b.GatherArgs(2, steps[2].rows, 2, r.deadline.view()), r.stream.get()));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(r.stream.get()));
    const double later_ms = MillisecondsSince(start);
    if (later_ms > 0.2 * absl::ToDoubleMilliseconds(kBudget)) {
      return absl::InternalError(
          fmt::format("rank {}: launches after the expiry took {} ms", rank, later_ms));
    }
    std::printf(
        "[ rank %d ] wait expired after %.1f ms (budget %.0f ms), later launches %.3f ms: "
        "%s\n",
        rank, expired_ms, absl::ToDoubleMilliseconds(kBudget), later_ms, message.c_str());
    return absl::OkStatus();
  });
}

// Note [lsa_gather expiry]: rank 1 is only slow (it starts layer 1 three budgets late). Every other
// rank's Gather wait for it expires and their Return sends poison; rank 1's Gather still finds
// their rows (stored before they expired), and its Return fails at once on the poison, naming a
// peer that expired first, instead of copying rows never sent.
TEST_P(LsaGatherTest, SlowRankMakesEveryRankFail) {
  const int world = GetParam().world;
  constexpr absl::Duration kBudget = absl::Milliseconds(100);
  const std::vector<Step> steps = MakeSteps(world, 0, 2, 700, /*graph=*/false);
  OnTeam(GetParam(), Options(), kBudget, [&](Rank& r) -> absl::Status {
    const int rank = r.rank;
    PADGRAPH_ASSIGN_OR_RETURN(StepBuffers b, StepBuffers::Allocate(world, 2));
    PADGRAPH_RETURN_IF_ERROR(b.Fill(rank, steps, r.stream.get()));
    r.AllRanksReady();
    PADGRAPH_RETURN_IF_ERROR(r.Pair(b, 0, steps[0].rows, 0));
    PADGRAPH_RETURN_IF_ERROR(r.Synchronize());
    if (rank == 1) std::this_thread::sleep_for(absl::ToChronoMilliseconds(3 * kBudget));
    const auto start = std::chrono::steady_clock::now();
    PADGRAPH_RETURN_IF_ERROR(r.Pair(b, 1, steps[1].rows, 1));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(r.stream.get()));
    const double ms = MillisecondsSince(start);
    return ranks_test::CheckSlowRankOutcome(rank, r.deadline.Check(), ms, kBudget);
  });
}

// (d) Note [lsa_gather options]: one rank passes a different value (valid there, or out of range
// there only); Create fails on every rank alike, naming the field and both values.
TEST_P(LsaGatherNcclTest, DifferentOptionsFailOnEveryRank) {
  const int world = GetParam();
  struct Case {
    std::string field;
    int64_t everywhere_else;
    int64_t on_last_rank;
    std::function<void(LsaGatherOptions&)> edit;
  };
  const std::vector<Case> cases = {
      {"slot_rows", kSlotRows, 2 * kSlotRows,
       [](LsaGatherOptions& o) { o.slot_rows = 2 * kSlotRows; }},
      {"max_sms", kMaxSms, 100000, [](LsaGatherOptions& o) { o.max_sms = 100000; }},
  };
  OnRanks(world, [&](int rank, const ncclUniqueId& id) -> absl::Status {
    PADGRAPH_ASSIGN_OR_RETURN(Rank r, Rank::Create(world, rank, id, Options()));
    absl::Status result = [&]() -> absl::Status {
      for (const Case& c : cases) {
        LsaGatherOptions options = Options();
        if (rank == world - 1) c.edit(options);
        auto other = LsaGather::Create(r.comm.get(), options);
        if (other.ok()) {
          PADGRAPH_RETURN_IF_ERROR(other->Destroy());
          return absl::InternalError(fmt::format("Create accepted different {}", c.field));
        }
        const std::string want =
            fmt::format("options.{} differs across ranks: {} on rank 0, {} on rank {}", c.field,
                        c.everywhere_else, c.on_last_rank, world - 1);
        if (!absl::IsInvalidArgument(other.status()) ||
            other.status().message().find(want) == std::string::npos) {
          return absl::InternalError(
              fmt::format("wanted \"{}\", got {}", want, other.status().ToString()));
        }
      }
      return absl::OkStatus();
    }();
    PADGRAPH_RETURN_IF_ERROR(r.Teardown());
    return result;
  });
}

// (e) Note [Symmetric window set-up and teardown] (ep_backend/src/symmetric_window.h): the last
// rank's GPU memory is held, so its window cannot be allocated, while the other ranks' can. Create
// fails on every rank (there with ncclMemAlloc's error, on the others naming that rank) instead of
// leaving them blocked in the window's collective steps, and nothing is left half made: the next
// Create succeeds on every rank.
TEST_P(LsaGatherNcclTest, WindowThatOneRankCannotAllocateFailsOnEveryRank) {
  const int world = GetParam();
  LsaGatherOptions large = Options();
  large.row_bytes = kLsaGatherMaxRowBytes;
  large.slot_rows = 1024;  // a window of 2 buffers x world slots x 1 GiB
  const size_t window_bytes = size_t{2} * world * (size_t{1} << 30);
  OnRanks(world, [&](int rank, const ncclUniqueId& id) -> absl::Status {
    PADGRAPH_ASSIGN_OR_RETURN(Rank r, Rank::Create(world, rank, id, Options()));
    absl::Status result = [&]() -> absl::Status {
      DeviceBuffer held;
      if (rank == world - 1) {  // half the window's bytes left free
        size_t free_bytes = 0, total_bytes = 0;
        PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemGetInfo(&free_bytes, &total_bytes));
        PADGRAPH_ASSIGN_OR_RETURN(held, DeviceBuffer::Allocate(free_bytes - window_bytes / 2));
      }
      absl::StatusOr<LsaGather> failed = LsaGather::Create(r.comm.get(), large);
      held = DeviceBuffer();
      if (failed.ok()) {
        PADGRAPH_RETURN_IF_ERROR(failed->Destroy());
        return absl::InternalError("Create succeeded with the last rank's memory held");
      }
      const bool own = rank == world - 1;
      const std::string want =
          own ? "ncclMemAlloc" : fmt::format("lsa_gather: Create failed on rank {}", world - 1);
      if ((!own && !absl::IsFailedPrecondition(failed.status())) ||
          failed.status().message().find(want) == std::string::npos) {
        return absl::InternalError(
            fmt::format("wanted \"{}\", got {}", want, failed.status().ToString()));
      }
      PADGRAPH_ASSIGN_OR_RETURN(LsaGather again, LsaGather::Create(r.comm.get(), Options()));
      return again.Destroy();
    }();
    PADGRAPH_RETURN_IF_ERROR(r.Teardown());
    return result;
  });
}

INSTANTIATE_TEST_SUITE_P(Teams, LsaGatherTest,
                         ::testing::Values(Team{2, false}, Team{4, false}, Team{8, false},
                                           Team{2, true}, Team{4, true}),
                         ranks_test::TeamNames());
INSTANTIATE_TEST_SUITE_P(Gpus, LsaGatherNcclTest, ::testing::Values(2, 4, 8),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return fmt::format("{}gpus", info.param);
                         });

// Note [Loopback ranks]: more loopback ranks than CUDA's hardware queues are refused.
TEST(LsaGatherArgumentsTest, LoopbackRanksNeedAHardwareQueueEach) {
  ranks_test::ExpectRefusedForTooFewQueues(8, 4,
                                           [] { return LsaGather::CreateLoopback(8, Options()); });
}

// Bad launch arguments are rejected on the host, naming the field and the limit.
TEST(LsaGatherArgumentsTest, RejectsOutOfRangeArguments) {
  if (GpuCount() < 1) GTEST_SKIP() << "needs a GPU";
  OnRanks(1, [&](int rank, const ncclUniqueId& id) -> absl::Status {
    PADGRAPH_ASSIGN_OR_RETURN(Rank r, Rank::Create(1, rank, id, Options()));
    PADGRAPH_ASSIGN_OR_RETURN(StepBuffers b, StepBuffers::Allocate(1, 1));
    struct Case {
      std::string want;
      absl::Status got;
    };
    std::vector<Case> cases;
    auto gather = [&](auto edit) {
      LsaGatherArgs args = b.GatherArgs(0, kSlotRows, 0, r.deadline.view());
      edit(args);
      return r.gather.Gather(args, r.stream.get());
    };
    auto give_back = [&](auto edit) {
      LsaReturnArgs args = b.ReturnArgs(0, 0, r.deadline.view());
      edit(args);
      return r.gather.Return(args, r.stream.get());
    };
    cases.push_back({"rows = 33", gather([](LsaGatherArgs& a) { a.rows = kSlotRows + 1; })});
    cases.push_back(
        {"slot_rows = 33", gather([](LsaGatherArgs& a) { a.slot_rows = kSlotRows + 1; })});
    cases.push_back({"rows = 32", gather([](LsaGatherArgs& a) { a.slot_rows = kSlotRows - 1; })});
    cases.push_back({"slot_rows = 0", give_back([](LsaReturnArgs& a) { a.slot_rows = 0; })});
    cases.push_back({"row_bytes = 24", gather([](LsaGatherArgs& a) { a.row_bytes = 24; })});
    cases.push_back(
        {"row_bytes = 528", gather([](LsaGatherArgs& a) { a.row_bytes = kReturnRowBytes + 16; })});
    cases.push_back({"layer = 32768", gather([](LsaGatherArgs& a) { a.layer = 32768; })});
    cases.push_back({"16-byte aligned", gather([](LsaGatherArgs& a) {
                       a.local = static_cast<const char*>(a.local) + 8;
                     })});
    cases.push_back({"args.deadline", gather([](LsaGatherArgs& a) { a.deadline = {}; })});
    cases.push_back({"needs num_rows", gather([](LsaGatherArgs& a) { a.num_rows = nullptr; })});
    cases.push_back({"row_bytes = 0", give_back([](LsaReturnArgs& a) { a.row_bytes = 0; })});
    cases.push_back({"needs partial", give_back([](LsaReturnArgs& a) { a.received = nullptr; })});
    LsaGatherOptions too_many_sms = Options();
    too_many_sms.max_sms = 100000;
    auto created = LsaGather::Create(r.comm.get(), too_many_sms);
    if (created.ok()) PADGRAPH_RETURN_IF_ERROR(created->Destroy());
    cases.push_back({"max_sms = 100000", created.status()});
    PADGRAPH_RETURN_IF_ERROR(r.Teardown());
    for (const Case& c : cases) {
      if (!absl::IsInvalidArgument(c.got) || c.got.message().find(c.want) == std::string::npos) {
        return absl::InternalError(fmt::format("wanted \"{}\", got {}", c.want, c.got.ToString()));
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace
}  // namespace padgraph
