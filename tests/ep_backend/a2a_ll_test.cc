// a2a_ll on 2 and 4 GPUs, one thread per GPU, and as 2 and 4 loopback ranks on one GPU (Note
// [Loopback ranks]: the protocol without NVLink, for machines with one GPU): dispatch + test
// experts + combine against a float64 CPU reference over many random and idle-rank distributions
// with every launch queued before any result is read; many MoE layers back to back in one CUDA
// graph (Note [Buffer reuse across layers]) equal to the same launches made eagerly, bit for bit;
// padded rows never sent (device byte counters, poisoned output rows); a jitter stress of 10,000
// replays; a bounded wait that expires naming the layer and the peer when one rank skips a
// layer; and the lines' floor (the benchmark's) delivering every row.
#include "padgraph/ep_backend/a2a_ll.h"

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <bit>
#include <chrono>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "padgraph/ep_backend/a2a_ll_testing.h"
#include "padgraph/ep_backend/nccl_comm.h"
#include "padgraph/ep_backend/nccl_version.h"
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
using ranks_test::TeamName;

constexpr uint16_t kPoison = 0xffff;  // a bf16 NaN: rows a launch must not write keep it

struct Shape {
  int experts = 32;
  int top_k = 8;
  int hidden = 256;
  int capacity = 32;
  int max_sms = 8;
  // Ranks with 0-16 rows send lines, 17-32 rows (Note [Lines for small counts]); of those, ranks
  // with 17-24 rows take lines back, 25-32 rows (Note [Lines back]).
  int line_rows = 16;
  int return_line_rows = 24;
  // Note [Rows once per rank]: off unless a test sets it (0: every rank on the row path).
  int rank_dedup_rows = kA2aLlRankDedupOff;
};

// Every rank's inputs of one launch (a step of one layer), made from a seed on every thread alike.
struct LaunchInputs {
  std::vector<int> counts;                  // [world]
  std::vector<std::vector<uint16_t>> x;     // [world][capacity * hidden]
  std::vector<std::vector<int32_t>> ids;    // [world][capacity * top_k]
  std::vector<std::vector<float>> weights;  // [world][capacity * top_k]
};

// `forced` (rank, count) pairs override the random counts. `invalid_ids` gives some tokens a
// repeated expert or one out of range (Note [Invalid ids]).
LaunchInputs MakeInputs(const Shape& shape, int world, uint64_t seed, bool allow_idle = true,
                        std::vector<std::pair<int, int>> forced = {}, bool invalid_ids = false) {
  std::mt19937_64 rng(seed);
  LaunchInputs in;
  std::vector<int> experts(shape.experts);
  for (int rank = 0; rank < world; ++rank) {
    const int pick = std::uniform_int_distribution<int>(0, 9)(rng);
    const int count = (allow_idle && pick < 2) ? 0
                      : pick < 4               ? shape.capacity
                                 : std::uniform_int_distribution<int>(1, shape.capacity)(rng);
    int forced_count = count;
    for (const auto& [forced_rank, value] : forced) {
      if (forced_rank == rank) forced_count = value;
    }
    in.counts.push_back(forced_count);
    std::vector<uint16_t> x(static_cast<size_t>(shape.capacity) * shape.hidden, kPoison);
    std::vector<int32_t> ids(static_cast<size_t>(shape.capacity) * shape.top_k, -7);
    std::vector<float> weights(static_cast<size_t>(shape.capacity) * shape.top_k, 1e30f);
    std::uniform_real_distribution<float> value(-1, 1), weight(0, 1);
    for (int t = 0; t < forced_count; ++t) {
      for (int h = 0; h < shape.hidden; ++h)
        x[static_cast<size_t>(t) * shape.hidden + h] = FloatToBf16Bits(value(rng));
      std::iota(experts.begin(), experts.end(), 0);
      for (int k = 0; k < shape.top_k; ++k) {  // distinct experts, uniformly
        std::swap(experts[k],
                  experts[std::uniform_int_distribution<int>(k, shape.experts - 1)(rng)]);
        ids[t * shape.top_k + k] = experts[k];
        weights[t * shape.top_k + k] = weight(rng);
      }
      if (invalid_ids && t % 7 == 3) ids[t * shape.top_k + 1] = ids[t * shape.top_k];
      if (invalid_ids && t % 11 == 5) ids[t * shape.top_k + 2] = t % 2 ? -1 : shape.experts + t;
    }
    in.x.push_back(std::move(x));
    in.ids.push_back(std::move(ids));
    in.weights.push_back(std::move(weights));
  }
  return in;
}

// Every real token of every rank picks top_k distinct experts: min(top_k, the experts a rank
// owns) of `owner`'s, the rest of the ranks' after it (at 8 ranks of the test shape a rank owns
// 4): the most rows that other ranks' lines can bring to one rank.
void RouteAllTo(const Shape& shape, int world, int owner, uint64_t seed, LaunchInputs* in) {
  const int local = shape.experts / world;
  std::mt19937_64 rng(seed);
  std::vector<int> experts(local);
  for (int rank = 0; rank < world; ++rank) {
    for (int t = 0; t < in->counts[rank]; ++t) {
      for (int k = 0; k < shape.top_k; ++k) {
        if (k % local == 0) {
          std::iota(experts.begin(), experts.end(), (owner + k / local) % world * local);
          std::shuffle(experts.begin(), experts.end(), rng);
        }
        in->ids[rank][t * shape.top_k + k] = experts[k % local];
      }
    }
  }
}

// Whether (token t, k) of `ids` travels: an id in range, not repeating an earlier k.
bool ValidPair(const Shape& shape, const std::vector<int32_t>& ids, int t, int k) {
  const int32_t* row = &ids[static_cast<size_t>(t) * shape.top_k];
  if (row[k] < 0 || row[k] >= shape.experts) return false;
  return std::find(row, row + k, row[k]) == row + k;
}

int InvalidPairs(const Shape& shape, const LaunchInputs& in, int rank) {
  int invalid = 0;
  for (int t = 0; t < in.counts[rank]; ++t) {
    for (int k = 0; k < shape.top_k; ++k)
      invalid += !ValidPair(shape, in.ids[rank], t, k);
  }
  return invalid;
}

// out[t] = sum_k w * expert(x[t]) over valid pairs in float64, for `rank`'s real rows.
std::vector<double> Reference(const Shape& shape, const LaunchInputs& in, int rank) {
  std::vector<double> out(static_cast<size_t>(in.counts[rank]) * shape.hidden, 0);
  for (int t = 0; t < in.counts[rank]; ++t) {
    for (int k = 0; k < shape.top_k; ++k) {
      if (!ValidPair(shape, in.ids[rank], t, k)) continue;
      const int expert = in.ids[rank][t * shape.top_k + k];
      const double w = in.weights[rank][t * shape.top_k + k];
      for (int h = 0; h < shape.hidden; ++h) {
        const uint16_t y =
            TestExpertHost(expert, in.x[rank][static_cast<size_t>(t) * shape.hidden + h]);
        out[static_cast<size_t>(t) * shape.hidden + h] += w * Bf16BitsToFloat(y);
      }
    }
  }
  return out;
}

// Compares `rank`'s output rows of one launch: real rows against the reference (bf16 output of an
// fp32 sum), padded rows still poisoned.
absl::Status CheckOutput(const Shape& shape, const LaunchInputs& in, int rank, const uint16_t* out,
                         const std::string& what) {
  const std::vector<double> expected = Reference(shape, in, rank);
  for (int t = 0; t < shape.capacity; ++t) {
    for (int h = 0; h < shape.hidden; ++h) {
      const uint16_t bits = out[static_cast<size_t>(t) * shape.hidden + h];
      if (t >= in.counts[rank]) {
        if (bits != kPoison) {
          return absl::InternalError(
              fmt::format("{}: rank {} padded row {} was written", what, rank, t));
        }
        continue;
      }
      const double want = expected[static_cast<size_t>(t) * shape.hidden + h];
      const double got = Bf16BitsToFloat(bits);
      if (!(std::abs(got - want) <= 1e-2 * std::abs(want) + 2e-2)) {
        return absl::InternalError(
            fmt::format("{}: rank {} row {} col {}: got {}, want {}", what, rank, t, h, got, want));
      }
    }
  }
  return absl::OkStatus();
}

// Bytes a rank's dispatch stores to other ranks and to itself, and the bytes its combine stores
// back to other ranks and to itself, for one launch (its own experts' outputs come back to it as
// rows or as lines, by its mode). A source with more rows than the resolved rank_dedup_rows (Note
// [Rows once per rank]) sends a token's row to a peer once, and the peer copies it for each
// further pair.
struct Bytes {
  uint64_t dispatch_peer = 0, dispatch_self = 0, combine_peer = 0, combine_self = 0,
           dispatch_copied = 0;
  Bytes& operator+=(const Bytes& other) {
    dispatch_peer += other.dispatch_peer;
    dispatch_self += other.dispatch_self;
    combine_peer += other.combine_peer;
    combine_self += other.combine_self;
    dispatch_copied += other.dispatch_copied;
    return *this;
  }
};
Bytes ExpectedBytes(const Shape& shape, const LaunchInputs& in, int world, int rank,
                    const A2aLlShape& resolved) {
  const int local = shape.experts / world;
  const uint64_t row = static_cast<uint64_t>(shape.hidden) * 2;
  Bytes bytes;
  for (int source = 0; source < world; ++source) {
    const bool once_per_rank = in.counts[source] > resolved.rank_dedup_rows;
    for (int t = 0; t < in.counts[source]; ++t) {
      std::vector<bool> reached(world, false);
      for (int k = 0; k < shape.top_k; ++k) {
        if (!ValidPair(shape, in.ids[source], t, k)) continue;
        const int owner = in.ids[source][t * shape.top_k + k] / local;
        const bool copy = once_per_rank && owner != source && reached[owner];
        reached[owner] = true;
        if (source == rank && !copy) {
          (owner == rank ? bytes.dispatch_self : bytes.dispatch_peer) += row;
        }
        if (owner == rank && copy) bytes.dispatch_copied += row;
        if (owner == rank && source != rank && !copy) bytes.combine_peer += row;
        if (owner == rank && source == rank) bytes.combine_self += row;
      }
    }
  }
  return bytes;
}

// Device copies of many launches' inputs for one rank, each launch at its own slice.
struct DeviceInputs {
  DeviceBuffer x, ids, weights, counts, out;
  size_t x_stride = 0, k_stride = 0;
  // The padded rows each launch passes. With `buckets`, the capacity for even launches and the
  // smallest power of two at least the count for odd ones (0 for an idle rank), as an engine's
  // buckets, so that the dispatch's instances (Note [Dispatch instances]) run among each other:
  // lines one unit at a time for buckets of at most line_rows, never once up to rank_dedup_rows,
  // any above it (the capacity where rank_dedup_rows is below it). Else the capacity for all (a
  // graph replayed with new counts).
  std::vector<int> rows;

  static absl::StatusOr<DeviceInputs> Upload(const Shape& shape,
                                             const std::vector<LaunchInputs>& launches, int rank,
                                             bool buckets = true) {
    DeviceInputs d;
    const size_t n = launches.size();
    d.x_stride = static_cast<size_t>(shape.capacity) * shape.hidden;
    d.k_stride = static_cast<size_t>(shape.capacity) * shape.top_k;
    PADGRAPH_ASSIGN_OR_RETURN(d.x, DeviceBuffer::Allocate(n * d.x_stride * 2));
    PADGRAPH_ASSIGN_OR_RETURN(d.out, DeviceBuffer::Allocate(n * d.x_stride * 2));
    PADGRAPH_ASSIGN_OR_RETURN(d.ids, DeviceBuffer::Allocate(n * d.k_stride * 4));
    PADGRAPH_ASSIGN_OR_RETURN(d.weights, DeviceBuffer::Allocate(n * d.k_stride * 4));
    PADGRAPH_ASSIGN_OR_RETURN(d.counts, DeviceBuffer::Allocate(n * 4));
    std::vector<uint16_t> x(n * d.x_stride);
    std::vector<int32_t> ids(n * d.k_stride), counts(n);
    std::vector<float> weights(n * d.k_stride);
    for (size_t i = 0; i < n; ++i) {
      const int count = launches[i].counts[rank];
      d.rows.push_back(!buckets || i % 2 == 0 ? shape.capacity
                       : count == 0
                           ? 0
                           : static_cast<int>(std::min(std::bit_ceil(static_cast<unsigned>(count)),
                                                       static_cast<unsigned>(shape.capacity))));
      std::copy(launches[i].x[rank].begin(), launches[i].x[rank].end(), x.begin() + i * d.x_stride);
      std::copy(launches[i].ids[rank].begin(), launches[i].ids[rank].end(),
                ids.begin() + i * d.k_stride);
      std::copy(launches[i].weights[rank].begin(), launches[i].weights[rank].end(),
                weights.begin() + i * d.k_stride);
      counts[i] = launches[i].counts[rank];
    }
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaMemcpy(d.x.data(), x.data(), x.size() * 2, cudaMemcpyHostToDevice));
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaMemcpy(d.ids.data(), ids.data(), ids.size() * 4, cudaMemcpyHostToDevice));
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaMemcpy(d.weights.data(), weights.data(), weights.size() * 4, cudaMemcpyHostToDevice));
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaMemcpy(d.counts.data(), counts.data(), counts.size() * 4, cudaMemcpyHostToDevice));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemset(d.out.data(), 0xff, d.out.bytes()));
    return d;
  }
  A2aLlDispatchArgs DispatchArgs(size_t i, int layer, const DeadlineView& deadline) const {
    A2aLlDispatchArgs args;
    args.deadline = deadline;
    args.x = x.data<uint16_t>() + i * x_stride;
    args.topk_ids = ids.data<int32_t>() + i * k_stride;
    args.num_rows = counts.data<int32_t>() + i;
    args.weights = weights.data<float>() + i * k_stride;
    args.rows = rows[i];
    args.layer = layer;
    return args;
  }
  A2aLlCombineArgs CombineArgs(size_t i, int layer, const void* expert_out,
                               const DeadlineView& deadline) const {
    A2aLlCombineArgs args;
    args.deadline = deadline;
    args.expert_out = expert_out;
    args.weights = weights.data<float>() + i * k_stride;
    args.rows = rows[i];
    args.layer = layer;
    args.out = out.data<uint16_t>() + i * x_stride;
    return args;
  }
  absl::StatusOr<std::vector<uint16_t>> ReadOut() const {
    std::vector<uint16_t> host(out.bytes() / 2);
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaMemcpy(host.data(), out.data(), out.bytes(), cudaMemcpyDeviceToHost));
    return host;
  }
};

A2aLlOptions OptionsFor(const Shape& shape, uint32_t jitter_ns) {
  A2aLlOptions options;
  options.num_experts = shape.experts;
  options.top_k = shape.top_k;
  options.hidden = shape.hidden;
  options.capacity = shape.capacity;
  options.max_sms = shape.max_sms;
  options.line_rows = shape.line_rows;
  options.return_line_rows = shape.return_line_rows;
  options.rank_dedup_rows = shape.rank_dedup_rows;
  options.jitter_max_ns = jitter_ns;
  return options;
}

// One rank's transport: communicator (none for loopback ranks), stream, deadline, A2aLl; torn
// down in the documented order.
struct Rank {
  int rank = 0;
  NcclComm comm;
  CudaStream stream;
  Deadline deadline;
  A2aLl a2a;
  DeviceBuffer expert_out;
  Team team;
  std::barrier<>* ranks = nullptr;  // every rank's thread (ranks_test::OnTeamThreads)

  void AllRanksReady() const { ranks_test::AllRanksReady(team, ranks); }

  // With `loopback` the transport comes made (its team's rank `rank`); else Create makes it over
  // a new communicator.
  static absl::StatusOr<Rank> Create(int world, int rank, const ncclUniqueId& id,
                                     const Shape& shape, uint32_t jitter_ns = 0,
                                     absl::Duration budget = absl::Seconds(20),
                                     A2aLl* loopback = nullptr) {
    Rank r;
    r.rank = rank;
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(loopback != nullptr ? 0 : rank));
    PADGRAPH_ASSIGN_OR_RETURN(r.stream, MakeStream());
    PADGRAPH_ASSIGN_OR_RETURN(r.deadline, Deadline::Create(budget));
    if (loopback != nullptr) {
      r.a2a = std::move(*loopback);
      PADGRAPH_RETURN_IF_ERROR(MakeFirstLaunch(r.stream.get()));
    } else {
      PADGRAPH_ASSIGN_OR_RETURN(r.comm, NcclComm::InitRank(world, rank, id));
      PADGRAPH_ASSIGN_OR_RETURN(r.a2a, A2aLl::Create(r.comm.get(), OptionsFor(shape, jitter_ns)));
    }
    PADGRAPH_ASSIGN_OR_RETURN(r.expert_out, DeviceBuffer::Allocate(r.a2a.layout().recv_row_count() *
                                                                   r.a2a.layout().row_bytes()));
    return r;
  }
  // One MoE layer: dispatch, the test experts (into `expert_out`, or in place into recv_rows),
  // combine.
  absl::Status Layer(const DeviceInputs& in, size_t i, int layer, bool in_place) {
    PADGRAPH_RETURN_IF_ERROR(
        a2a.Dispatch(in.DispatchArgs(i, layer, deadline.view()), stream.get()));
    void* y = in_place ? a2a.recv_rows() : expert_out.data();
    PADGRAPH_RETURN_IF_ERROR(
        LaunchTestExperts(a2a.layout(), rank, a2a.recv_rows(), a2a.recv_counts(), y, stream.get()));
    return a2a.Combine(in.CombineArgs(i, layer, y, deadline.view()), stream.get());
  }
  // Every one of `launches` queued as a layer (launch i as layer i % 61) before any result is
  // read; the outputs, launch i's at i * capacity * hidden.
  absl::StatusOr<std::vector<uint16_t>> RunQueued(const Shape& shape,
                                                  const std::vector<LaunchInputs>& launches) {
    PADGRAPH_ASSIGN_OR_RETURN(DeviceInputs in, DeviceInputs::Upload(shape, launches, rank));
    AllRanksReady();
    for (size_t i = 0; i < launches.size(); ++i) {
      PADGRAPH_RETURN_IF_ERROR(Layer(in, i, static_cast<int>(i % 61),
                                     /*in_place=*/false));
    }
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream.get()));
    PADGRAPH_RETURN_IF_ERROR(deadline.Check());
    return in.ReadOut();
  }
  // The expiry tests' start: `launches` uploaded, every rank met, launch 0 run as layer 0 to
  // completion.
  absl::StatusOr<DeviceInputs> FirstLayer(const Shape& shape,
                                          const std::vector<LaunchInputs>& launches) {
    PADGRAPH_ASSIGN_OR_RETURN(DeviceInputs in, DeviceInputs::Upload(shape, launches, rank));
    AllRanksReady();
    PADGRAPH_RETURN_IF_ERROR(Layer(in, 0, 0, /*in_place=*/false));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream.get()));
    PADGRAPH_RETURN_IF_ERROR(deadline.Check());
    return in;
  }
  absl::Status Teardown() {
    PADGRAPH_RETURN_IF_ERROR(a2a.Destroy());
    return comm.get() != nullptr ? comm.Finalize() : absl::OkStatus();
  }
};

// Runs `body` on one thread per rank of `team`, each with its Rank (loopback ranks from a2a_ll.h
// CreateLoopback), and tears every Rank down.
void OnTeam(const Team& team, const Shape& shape, uint32_t jitter_ns, absl::Duration budget,
            const std::function<absl::Status(Rank&)>& body) {
  ranks_test::OnTeam<Rank, A2aLl>(
      team, [&] { return A2aLl::CreateLoopback(team.world, OptionsFor(shape, jitter_ns)); },
      [&](int rank, const ncclUniqueId& id, A2aLl* loopback) {
        return Rank::Create(team.world, rank, id, shape, jitter_ns, budget, loopback);
      },
      body);
}

class A2aLlTest : public ranks_test::TeamTest {};

// Tests of what only ranks on their own GPUs have: a communicator, and every SM of a GPU.
class A2aLlNcclTest : public ranks_test::GpuCountTest {};

TEST(A2aLlVersionTest, LoadedNcclMatchesTheHeaders) {
  EXPECT_TRUE(CheckNcclVersion().ok()) << CheckNcclVersion();
  EXPECT_EQ(FormatNcclVersion(22809), "2.28.9");
}

// Whether a source with `count` real rows spreads them over the grid (a2a_ll.h Note [Dispatch]).
bool SpreadsRows(const A2aLlShape& resolved, int count) {
  return count > resolved.line_rows && count != 0 && count <= kA2aLlMaxSpreadRows;
}

// `launches`, queued as RandomDistributionsMatchTheReference says, each checked against float64,
// with the byte counters, the invalid pairs and the dispatches by path; `label` names the case.
void ExpectLaunchesMatchTheReference(const Team& team, const Shape& shape,
                                     const std::vector<LaunchInputs>& launches,
                                     const std::string& label) {
  const int world = team.world;
  const int num_launches = static_cast<int>(launches.size());
  std::atomic<int> rows_checked = 0;
  OnTeam(team, shape, /*jitter_ns=*/0, absl::Seconds(20), [&](Rank& r) -> absl::Status {
    const int rank = r.rank;
    PADGRAPH_ASSIGN_OR_RETURN(std::vector<uint16_t> out, r.RunQueued(shape, launches));
    const size_t x_stride = static_cast<size_t>(shape.capacity) * shape.hidden;
    Bytes want;
    uint64_t want_invalid = 0;
    // The paths this rank's pairs should take, by its count and the thresholds Create resolved.
    const A2aLlShape& resolved = r.a2a.layout().shape;
    uint64_t want_lines = 0, want_lines_back = 0, want_rows = 0, want_once = 0, want_spread = 0;
    for (int i = 0; i < num_launches; ++i) {
      const int count = launches[i].counts[rank];
      want_spread += SpreadsRows(resolved, count);
      ++(count <= resolved.line_rows || count == 0 ? want_lines
         : count > resolved.rank_dedup_rows        ? want_once
         : count <= resolved.return_line_rows      ? want_lines_back
                                                   : want_rows);
      want_invalid += InvalidPairs(shape, launches[i], rank);
      PADGRAPH_RETURN_IF_ERROR(CheckOutput(shape, launches[i], rank, out.data() + i * x_stride,
                                           fmt::format("{}, launch {}", label, i)));
      rows_checked += launches[i].counts[rank];
      want += ExpectedBytes(shape, launches[i], world, rank, resolved);
    }
    PADGRAPH_ASSIGN_OR_RETURN(A2aLlCounters got, r.a2a.ReadCounters());
    if (got.dispatch_peer_bytes != want.dispatch_peer ||
        got.dispatch_self_bytes != want.dispatch_self ||
        got.combine_peer_bytes != want.combine_peer ||
        got.combine_self_bytes != want.combine_self ||
        got.dispatch_copied_bytes != want.dispatch_copied ||
        (resolved.rank_dedup() && want.dispatch_copied == 0)) {
      return absl::InternalError(fmt::format(
          "{}, rank {} byte counters: dispatch {} + {} self, combine {} + {} self, copied {}; "
          "real pairs give {} + {}, {} + {}, {} (with rows once per rank some must be copied)",
          label, rank, got.dispatch_peer_bytes, got.dispatch_self_bytes, got.combine_peer_bytes,
          got.combine_self_bytes, got.dispatch_copied_bytes, want.dispatch_peer, want.dispatch_self,
          want.combine_peer, want.combine_self, want.dispatch_copied));
    }
    if (want_invalid == 0 || got.invalid_pairs != want_invalid) {
      return absl::InternalError(fmt::format("{}, rank {}: {} invalid pairs counted, {} given",
                                             label, rank, got.invalid_pairs, want_invalid));
    }
    // Each path ran as often as the counts say, and lines back, rows once per rank and spread
    // rows ran wherever the thresholds leave them counts to take.
    if (got.lines_dispatches != want_lines || got.lines_back_dispatches != want_lines_back ||
        got.rows_dispatches != want_rows || got.rows_once_dispatches != want_once ||
        got.spread_dispatches != want_spread ||
        (resolved.line_rows < resolved.capacity && want_spread == 0) ||
        (std::min(resolved.return_line_rows, resolved.rank_dedup_rows) > resolved.line_rows &&
         want_lines_back == 0) ||
        (resolved.rank_dedup() && want_once == 0)) {
      return absl::InternalError(fmt::format(
          "{}, rank {} dispatches by path: lines {}, lines back {}, rows {}, rows once {}, "
          "spread {}; its counts give {}, {}, {}, {}, {} (lines back, rows once and spread rows "
          "must each run at least once where the thresholds leave them counts)",
          label, rank, got.lines_dispatches, got.lines_back_dispatches, got.rows_dispatches,
          got.rows_once_dispatches, got.spread_dispatches, want_lines, want_lines_back, want_rows,
          want_once, want_spread));
    }
    return absl::OkStatus();
  });
  std::printf("[ a2a_ll, %s, %s ] %d launches, %d rows checked\n", TeamName(team).c_str(),
              label.c_str(), num_launches, rows_checked.load());
  EXPECT_GT(rows_checked.load(), num_launches);
}

// 1,000 launches of random distributions (idle ranks, full capacity; one launch in ten with
// repeated or out-of-range ids), all queued before any result is read, each checked against the
// float64 reference; device byte counters equal the bytes of real (token, expert) pairs, so no
// padded row moved, the invalid pairs are counted, and each rank's dispatches by path match its
// counts (so each mode, lines back included, ran). Four pairs of line thresholds (line_rows,
// return_line_rows): lines only for idle ranks (0, 0); rows out and lines back for every other
// rank (0, 32); lines for a rank with half the capacity or less, lines back for one with three
// quarters or less (16, 24: up to three modes in one launch); lines for every rank (32, 32). Then
// with rows once per rank (Note [Rows once per rank]), where the counters also say that each row
// crossed to a peer once and was copied there for each further pair: for every rank on the row
// path (0, 0, rank_dedup_rows 0), and from 25 rows with lines up to 8 and lines back up to 16
// (8, 16, 24: on 4 ranks up to four modes in one launch, and ranks change mode from launch to
// launch). Launches alternate between the capacity and the count's bucket as the padded rows, so
// every dispatch instance runs (DeviceInputs::rows).
TEST_P(A2aLlTest, RandomDistributionsMatchTheReference) {
  const int world = GetParam().world;
  constexpr int kLaunches = 1000;
  std::vector<LaunchInputs> launches;
  for (int i = 0; i < kLaunches; ++i)
    launches.push_back(MakeInputs(Shape(), world, 1000 * world + i, true, {}, i % 10 == 9));
  struct Thresholds {
    int line_rows, return_line_rows, rank_dedup_rows;
  };
  constexpr int kOff = kA2aLlRankDedupOff;
  for (const auto& [line_rows, return_line_rows, rank_dedup_rows] :
       {Thresholds{0, 0, kOff}, Thresholds{0, 32, kOff}, Thresholds{16, 24, kOff},
        Thresholds{32, 32, kOff}, Thresholds{0, 0, 0}, Thresholds{8, 16, 24}}) {
    Shape shape;
    shape.line_rows = line_rows;
    shape.return_line_rows = return_line_rows;
    shape.rank_dedup_rows = rank_dedup_rows;
    ExpectLaunchesMatchTheReference(
        GetParam(), shape, launches,
        fmt::format("line_rows {}, return_line_rows {}, rank_dedup_rows {}", line_rows,
                    return_line_rows, rank_dedup_rows));
  }
}

// RandomDistributionsMatchTheReference's checks on shapes the benchmark's do not reach: an odd
// top_k (5: a token's pairs on 8 lanes, 3 of them idle) of 96 experts, on rows of 3 16-byte words
// (hidden 24: the spread's last quarter row is empty); top_k 16 (a token's pairs on half a warp)
// of 40 experts, on rows of one word (hidden 8: three quarters empty), up to 128 rows (the slot
// table's second word of tokens); top_k 3 of 1,024 experts (the most) on rows of 125 words (hidden
// 1000: quarters of 32, 32, 32 and 29 words). Each with lines, lines back, rows and rows once per
// rank in its launches.
TEST_P(A2aLlTest, UncommonShapesMatchTheReference) {
  const int world = GetParam().world;
  constexpr int kLaunches = 200;
  const Shape odd{.experts = 96,
                  .top_k = 5,
                  .hidden = 24,
                  .capacity = 100,
                  .line_rows = 4,
                  .return_line_rows = 12,
                  .rank_dedup_rows = 60};
  const Shape wide{.experts = 40,
                   .top_k = 16,
                   .hidden = 8,
                   .capacity = 128,
                   .max_sms = 4,
                   .line_rows = 4,
                   .return_line_rows = 12,
                   .rank_dedup_rows = 60};
  const Shape many{.experts = kA2aLlMaxExperts,
                   .top_k = 3,
                   .hidden = 1000,
                   .capacity = 72,
                   .line_rows = 2,
                   .return_line_rows = 8,
                   .rank_dedup_rows = 40};
  for (const Shape& shape : {odd, wide, many}) {
    std::vector<LaunchInputs> launches;
    for (int i = 0; i < kLaunches; ++i)
      launches.push_back(MakeInputs(shape, world, 7000 * world + i, true, {}, i % 10 == 9));
    ExpectLaunchesMatchTheReference(
        GetParam(), shape, launches,
        fmt::format("{} experts, top_k {}, hidden {}", shape.experts, shape.top_k, shape.hidden));
  }
}

// a2a_ll.h Note [Dispatch]: a source with more than kA2aLlMaxSpreadRows rows sends by (expert,
// part), each part a range of a row's words; on 6 SMs (96 warps) 32 experts have 3 parts, which
// split a row's 32 words 11, 11 and 10. Rank 0 sends 129-160 rows that way, the others 0-160 (up to
// 128 spread over the grid), all on the row path, against float64, with the byte counters: the
// parts' columns add up to whole rows. Then every rank on the row path sends rows once per rank
// (Note [Rows once per rank]): rank 0 by parts of its tokens, the others spread, and the peers copy
// rows from both kinds of sources in one launch.
TEST_P(A2aLlTest, RowPartsOfUnequalWidthMatchTheReference) {
  const int world = GetParam().world;
  constexpr int kLaunches = 100;
  for (const int rank_dedup_rows : {kA2aLlRankDedupOff, 0}) {
    Shape shape;
    shape.max_sms = 6;
    shape.capacity = kA2aLlMaxSpreadRows + 32;
    shape.line_rows = 0;
    shape.return_line_rows = 0;
    shape.rank_dedup_rows = rank_dedup_rows;
    std::vector<LaunchInputs> launches;
    for (int i = 0; i < kLaunches; ++i) {
      launches.push_back(MakeInputs(shape, world, 5000 * world + i, true,
                                    {{0, kA2aLlMaxSpreadRows + 1 + i % 32}}));
    }
    std::atomic<int> rows_checked = 0;
    OnTeam(GetParam(), shape, /*jitter_ns=*/0, absl::Seconds(20), [&](Rank& r) -> absl::Status {
      const A2aLlLayout& layout = r.a2a.layout();
      if (layout.shape.dispatch_parts != 3 || layout.PartWords() != 11) {
        return absl::InternalError(fmt::format("{} parts of {} words, want 3 of 11",
                                               layout.shape.dispatch_parts, layout.PartWords()));
      }
      PADGRAPH_ASSIGN_OR_RETURN(std::vector<uint16_t> out, r.RunQueued(shape, launches));
      const size_t x_stride = static_cast<size_t>(shape.capacity) * shape.hidden;
      Bytes want;
      for (int i = 0; i < kLaunches; ++i) {
        PADGRAPH_RETURN_IF_ERROR(
            CheckOutput(shape, launches[i], r.rank, out.data() + i * x_stride,
                        fmt::format("rank_dedup_rows {}, launch {}", rank_dedup_rows, i)));
        rows_checked += launches[i].counts[r.rank];
        want += ExpectedBytes(shape, launches[i], world, r.rank, layout.shape);
      }
      PADGRAPH_ASSIGN_OR_RETURN(A2aLlCounters got, r.a2a.ReadCounters());
      if (got.dispatch_peer_bytes != want.dispatch_peer ||
          got.dispatch_self_bytes != want.dispatch_self ||
          got.dispatch_copied_bytes != want.dispatch_copied) {
        return absl::InternalError(fmt::format(
            "rank_dedup_rows {}, rank {} dispatch bytes {} + {} self, {} copied; real pairs give "
            "{} + {}, {}",
            rank_dedup_rows, r.rank, got.dispatch_peer_bytes, got.dispatch_self_bytes,
            got.dispatch_copied_bytes, want.dispatch_peer, want.dispatch_self,
            want.dispatch_copied));
      }
      return absl::OkStatus();
    });
    EXPECT_GT(rows_checked.load(), kLaunches * kA2aLlMaxSpreadRows);
  }
}

// Note [The combine's list of lines to send]: every rank sends line_rows tokens whose pairs go to
// rank 0 as far as it has experts (RouteAllTo), which so fills rank 0's list to its bound: world x
// line_rows x min(top_k, local experts) entries, its own pairs' and every other rank's. Those
// launches alternate with launches of one token per rank, so that rows past a launch's count hold
// an earlier launch's entries. Every launch against float64.
TEST_P(A2aLlTest, ListOfLinesToSendAtItsBound) {
  const int world = GetParam().world;
  const Shape shape;
  constexpr int kLaunches = 40;
  std::vector<LaunchInputs> launches;
  for (int i = 0; i < kLaunches; ++i) {
    std::vector<std::pair<int, int>> counts;
    for (int rank = 0; rank < world; ++rank)
      counts.push_back({rank, i % 2 == 0 ? shape.line_rows : 1});
    LaunchInputs in = MakeInputs(shape, world, 3000 + i, /*allow_idle=*/false, counts);
    RouteAllTo(shape, world, /*owner=*/0, 4000 + i, &in);
    launches.push_back(std::move(in));
  }
  OnTeam(GetParam(), shape, /*jitter_ns=*/0, absl::Seconds(20), [&](Rank& r) -> absl::Status {
    PADGRAPH_ASSIGN_OR_RETURN(std::vector<uint16_t> out, r.RunQueued(shape, launches));
    const size_t x_stride = static_cast<size_t>(shape.capacity) * shape.hidden;
    for (int i = 0; i < kLaunches; ++i) {
      PADGRAPH_RETURN_IF_ERROR(CheckOutput(shape, launches[i], r.rank, out.data() + i * x_stride,
                                           fmt::format("launch {}", i)));
    }
    return absl::OkStatus();
  });
}

// a2a_ll.h Note [Lines for small counts]: the line sum adds a token's pairs in k order, as the row
// path does, so the same launches give the same outputs bit for bit with lines both ways (every
// count at most line_rows) as with rows both ways (line_rows and return_line_rows 0). Both
// instances of the line sum run (a2a_ll.cu Note [The line sum's width]): the narrow one at the
// odd launches' small buckets, the wide one at the even launches' capacity; at top-8 and at top-5,
// where the narrow one's groups hold fewer pairs than it has room for.
TEST_P(A2aLlTest, LinesAndRowsSumAlikeBitForBit) {
  const int world = GetParam().world;
  constexpr int kLaunches = 40;
  for (const int top_k : {8, 5}) {
    SCOPED_TRACE(fmt::format("top_k {}", top_k));
    Shape lines;
    lines.top_k = top_k;
    Shape rows = lines;
    rows.line_rows = 0;
    rows.return_line_rows = 0;
    std::vector<LaunchInputs> launches;
    for (int i = 0; i < kLaunches; ++i) {
      std::vector<std::pair<int, int>> counts;
      for (int rank = 0; rank < world; ++rank)
        counts.push_back({rank, 1 + (7 * i + 5 * rank) % lines.line_rows});
      launches.push_back(MakeInputs(lines, world, 5000 + i, /*allow_idle=*/false, counts));
    }
    std::vector<std::vector<uint16_t>> outs[2];
    for (int path = 0; path < 2; ++path) {
      const Shape& shape = path == 0 ? lines : rows;
      outs[path].resize(world);
      OnTeam(GetParam(), shape, /*jitter_ns=*/0, absl::Seconds(20), [&](Rank& r) -> absl::Status {
        PADGRAPH_ASSIGN_OR_RETURN(outs[path][r.rank], r.RunQueued(shape, launches));
        return absl::OkStatus();
      });
    }
    const size_t x_stride = static_cast<size_t>(lines.capacity) * lines.hidden;
    for (int rank = 0; rank < world; ++rank) {
      ASSERT_EQ(outs[0][rank].size(), outs[1][rank].size());
      for (int i = 0; i < kLaunches; ++i) {
        const size_t at = i * x_stride;
        const size_t values = static_cast<size_t>(launches[i].counts[rank]) * lines.hidden;
        EXPECT_TRUE(std::equal(outs[0][rank].begin() + at, outs[0][rank].begin() + at + values,
                               outs[1][rank].begin() + at))
            << "rank " << rank << ", launch " << i << ": lines and rows differ";
      }
    }
  }
}

// The body of GraphOfManyLayersEqualsEagerBitForBit for one shape.
void ExpectGraphOfManyLayersEqualsEager(const Team& team, const Shape& shape) {
  const int world = team.world;
  constexpr int kLayers = 6, kReplays = 120;
  std::vector<LaunchInputs> launches;  // [replay][layer]
  for (int i = 0; i < kLayers * kReplays; ++i)
    launches.push_back(MakeInputs(shape, world, 7000 * world + i));
  OnTeam(team, shape, /*jitter_ns=*/0, absl::Seconds(20), [&](Rank& r) -> absl::Status {
    const int rank = r.rank;
    cudaStream_t stream = r.stream.get();
    PADGRAPH_ASSIGN_OR_RETURN(DeviceInputs pool,
                              DeviceInputs::Upload(shape, launches, rank, /*buckets=*/false));
    PADGRAPH_ASSIGN_OR_RETURN(
        DeviceInputs statics,
        DeviceInputs::Upload(
            shape, std::vector<LaunchInputs>(launches.begin(), launches.begin() + kLayers), rank,
            /*buckets=*/false));
    PADGRAPH_ASSIGN_OR_RETURN(
        const CudaGraph graph, CaptureGraph(stream, [&]() -> absl::Status {
          for (int layer = 0; layer < kLayers; ++layer) {
            PADGRAPH_RETURN_IF_ERROR(r.Layer(statics, layer, layer, /*in_place=*/true));
          }
          return absl::OkStatus();
        }));
    PADGRAPH_ASSIGN_OR_RETURN(const CudaGraphExec exec, Instantiate(graph));
    r.AllRanksReady();
    const size_t layer_x = statics.x_stride * 2, layer_k = statics.k_stride * 4;
    for (int replay = 0; replay < kReplays; ++replay) {
      const size_t first = static_cast<size_t>(replay) * kLayers;
      auto copy = [&](DeviceBuffer& to, const DeviceBuffer& from, size_t bytes_per_layer) {
        return cudaMemcpyAsync(to.data(), from.data<char>() + first * bytes_per_layer,
                               kLayers * bytes_per_layer, cudaMemcpyDeviceToDevice, stream);
      };
      PADGRAPH_CUDA_RETURN_IF_ERROR(copy(statics.x, pool.x, layer_x));
      PADGRAPH_CUDA_RETURN_IF_ERROR(copy(statics.ids, pool.ids, layer_k));
      PADGRAPH_CUDA_RETURN_IF_ERROR(copy(statics.weights, pool.weights, layer_k));
      PADGRAPH_CUDA_RETURN_IF_ERROR(copy(statics.counts, pool.counts, 4));
      PADGRAPH_CUDA_RETURN_IF_ERROR(
          cudaMemsetAsync(statics.out.data(), 0xff, statics.out.bytes(), stream));
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(exec.get(), stream));
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(pool.out.data<char>() + first * layer_x,
                                                    statics.out.data(), kLayers * layer_x,
                                                    cudaMemcpyDeviceToDevice, stream));
    }
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    PADGRAPH_RETURN_IF_ERROR(r.deadline.Check());
    PADGRAPH_ASSIGN_OR_RETURN(std::vector<uint16_t> graph_out, pool.ReadOut());
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemset(pool.out.data(), 0xff, pool.out.bytes()));
    r.AllRanksReady();
    for (int i = 0; i < kLayers * kReplays; ++i)
      PADGRAPH_RETURN_IF_ERROR(r.Layer(pool, i, i % kLayers, /*in_place=*/true));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    PADGRAPH_RETURN_IF_ERROR(r.deadline.Check());
    PADGRAPH_ASSIGN_OR_RETURN(std::vector<uint16_t> eager_out, pool.ReadOut());
    if (graph_out != eager_out) {
      size_t first_diff = 0;
      while (graph_out[first_diff] == eager_out[first_diff])
        ++first_diff;
      return absl::InternalError(
          fmt::format("rank {}: graph replay differs from eager at launch {}", rank,
                      first_diff / pool.x_stride));
    }
    for (int i = 0; i < kLayers * kReplays; ++i) {
      PADGRAPH_RETURN_IF_ERROR(
          CheckOutput(shape, launches[i], rank, graph_out.data() + i * pool.x_stride,
                      fmt::format("replay {} layer {}", i / kLayers, i % kLayers)));
    }
    return absl::OkStatus();
  });
}

// kLayers MoE layers back to back in one graph, the experts writing recv_rows in place (the
// strongest use of buffer reuse), replayed 120 times with new inputs staged before each replay and
// outputs saved after it, all queued; then the same launches eagerly: equal bit for bit, and
// equal to the reference. Once with one copy per pair, once with rows once per rank from 25 rows
// (Note [Rows once per rank]: the peers' copies and partial sums read recv_rows, which the experts
// overwrite in place).
TEST_P(A2aLlTest, GraphOfManyLayersEqualsEagerBitForBit) {
  for (const int rank_dedup_rows : {kA2aLlRankDedupOff, 24}) {
    SCOPED_TRACE(fmt::format("rank_dedup_rows {}", rank_dedup_rows));
    Shape shape;
    shape.rank_dedup_rows = rank_dedup_rows;
    ExpectGraphOfManyLayersEqualsEager(GetParam(), shape);
  }
}

// Replays a graph of launches.size() layers `replays` times with random __nanosleep in every kernel
// (Note [Jitter]) and fixed inputs; a kernel in the graph counts output words that differ from the
// first eager result (checked against the reference). Any race shows as a nonzero count.
void ExpectStableUnderJitter(const Team& team, const Shape& shape,
                             const std::vector<LaunchInputs>& launches, int replays) {
  const int world = team.world;
  const int layers = static_cast<int>(launches.size());
  std::vector<unsigned long long> mismatches(world, ~0ull);
  OnTeam(team, shape, /*jitter_ns=*/3000, absl::Seconds(20), [&](Rank& r) -> absl::Status {
    const int rank = r.rank;
    cudaStream_t stream = r.stream.get();
    PADGRAPH_ASSIGN_OR_RETURN(DeviceInputs in, DeviceInputs::Upload(shape, launches, rank));
    r.AllRanksReady();
    for (int layer = 0; layer < layers; ++layer)
      PADGRAPH_RETURN_IF_ERROR(r.Layer(in, layer, layer, false));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    PADGRAPH_ASSIGN_OR_RETURN(std::vector<uint16_t> golden_host, in.ReadOut());
    for (int layer = 0; layer < layers; ++layer) {
      PADGRAPH_RETURN_IF_ERROR(CheckOutput(shape, launches[layer], rank,
                                           golden_host.data() + layer * in.x_stride, "eager"));
    }
    PADGRAPH_ASSIGN_OR_RETURN(DeviceBuffer golden, DeviceBuffer::Allocate(in.out.bytes()));
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaMemcpy(golden.data(), in.out.data(), in.out.bytes(), cudaMemcpyDeviceToDevice));
    PADGRAPH_ASSIGN_OR_RETURN(DeviceBuffer counter, DeviceBuffer::Allocate(8));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemset(counter.data(), 0, 8));
    PADGRAPH_ASSIGN_OR_RETURN(const CudaGraph graph, CaptureGraph(stream, [&]() -> absl::Status {
                                PADGRAPH_CUDA_RETURN_IF_ERROR(
                                    cudaMemsetAsync(in.out.data(), 0xff, in.out.bytes(), stream));
                                for (int layer = 0; layer < layers; ++layer)
                                  PADGRAPH_RETURN_IF_ERROR(r.Layer(in, layer, layer, false));
                                return LaunchCountMismatches(
                                    in.out.data(), golden.data(), in.out.bytes(),
                                    counter.data<unsigned long long>(), stream);
                              }));
    PADGRAPH_ASSIGN_OR_RETURN(const CudaGraphExec exec, Instantiate(graph));
    r.AllRanksReady();
    for (int replay = 0; replay < replays; ++replay)
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(exec.get(), stream));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    PADGRAPH_RETURN_IF_ERROR(r.deadline.Check());
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaMemcpy(&mismatches[rank], counter.data(), 8, cudaMemcpyDeviceToHost));
    return absl::OkStatus();
  });
  for (int rank = 0; rank < world; ++rank) {
    EXPECT_EQ(mismatches[rank], 0u)
        << "rank " << rank << " words differing over " << replays << " replays";
  }
}

// 10,000 replays of a two-layer graph: rank 0 full (rows) in layer 0 and with 5 rows (lines) in
// layer 1, rank 1 with 20 (rows out, lines back) in layer 0, the last rank idle in layer 1.
TEST_P(A2aLlTest, JitterStressIsBitForBitStable) {
  const int world = GetParam().world;
  const Shape shape;
  std::vector<LaunchInputs> launches;
  launches.push_back(MakeInputs(shape, world, 99, true, {{0, shape.capacity}, {1, 20}}));
  launches.push_back(MakeInputs(shape, world, 100, true, {{0, 5}, {world - 1, 0}}));
  ExpectStableUnderJitter(GetParam(), shape, launches, 10000);
}

// a2a_ll.h Note [Dispatch] under jitter: rows spread over the grid with the slot table's second
// word of tokens (65-128 rows), parts by columns of unequal width (129-160 rows, 3 parts of 11, 11
// and 10 words on 6 SMs) and lines, in one graph, every rank switching between them layer to
// layer; from 101 rows, rows once per rank (Note [Rows once per rank]), spread up to 128 rows and
// by parts of the tokens above; top_k 16 (a token's pairs over half a warp: 32 tokens a pass of the
// slot table).
TEST_P(A2aLlTest, JitterStressOfSpreadAndColumnRowsIsBitForBitStable) {
  const int world = GetParam().world;
  Shape shape;
  shape.max_sms = 6;
  shape.capacity = kA2aLlMaxSpreadRows + 32;
  shape.top_k = 16;
  shape.line_rows = 4;
  shape.return_line_rows = 4;
  shape.rank_dedup_rows = 100;
  std::vector<LaunchInputs> launches;
  launches.push_back(MakeInputs(shape, world, 301, true, {{0, 100}, {1, shape.capacity}}));
  launches.push_back(MakeInputs(shape, world, 302, true, {{0, kA2aLlMaxSpreadRows + 1}, {1, 70}}));
  launches.push_back(MakeInputs(shape, world, 303, true, {{0, 3}, {world - 1, 128}}));
  ExpectStableUnderJitter(GetParam(), shape, launches, 2000);
}

// Note [Rows once per rank] at its extremes: launches where every rank is full and routes a
// token's pairs to one owner as far as it has experts (the most copies and members a token can
// have: min(top_k, local experts) on one peer) alternate with random launches, every launch
// against float64, and the peers copied rows.
TEST_P(A2aLlTest, RowsOncePerRankMatchTheReference) {
  const int world = GetParam().world;
  Shape shape;
  shape.rank_dedup_rows = 0;
  constexpr int kLaunches = 40;
  std::vector<LaunchInputs> launches;
  for (int i = 0; i < kLaunches; ++i) {
    std::vector<std::pair<int, int>> full;
    for (int rank = 0; rank < world && i % 2 == 0; ++rank)
      full.push_back({rank, shape.capacity});
    LaunchInputs in = MakeInputs(shape, world, 6000 + i, /*allow_idle=*/i % 2 == 1, full);
    if (i % 2 == 0) RouteAllTo(shape, world, /*owner=*/i / 2 % world, 7000 + i, &in);
    launches.push_back(std::move(in));
  }
  OnTeam(GetParam(), shape, /*jitter_ns=*/0, absl::Seconds(20), [&](Rank& r) -> absl::Status {
    PADGRAPH_ASSIGN_OR_RETURN(std::vector<uint16_t> out, r.RunQueued(shape, launches));
    const size_t x_stride = static_cast<size_t>(shape.capacity) * shape.hidden;
    uint64_t want_copied = 0;
    for (int i = 0; i < kLaunches; ++i) {
      PADGRAPH_RETURN_IF_ERROR(CheckOutput(shape, launches[i], r.rank, out.data() + i * x_stride,
                                           fmt::format("launch {}", i)));
      want_copied +=
          ExpectedBytes(shape, launches[i], world, r.rank, r.a2a.layout().shape).dispatch_copied;
    }
    PADGRAPH_ASSIGN_OR_RETURN(A2aLlCounters got, r.a2a.ReadCounters());
    if (got.dispatch_copied_bytes != want_copied || (world > 1 && want_copied == 0)) {
      return absl::InternalError(fmt::format("rank {}: {} bytes copied, real pairs give {}", r.rank,
                                             got.dispatch_copied_bytes, want_copied));
    }
    return absl::OkStatus();
  });
}

// The same with every mode beside rows once per rank (Note [Rows once per rank], from 27 rows):
// rows out with rows back (21-26 rows), lines back (17-20), lines and idle ranks, rank 0 and 1
// trading modes between layers. The peers' copies of rows sent once race nothing, nor do the
// modes.
TEST_P(A2aLlTest, JitterStressWithRowsOncePerRankIsBitForBitStable) {
  const int world = GetParam().world;
  Shape shape;
  shape.return_line_rows = 20;
  shape.rank_dedup_rows = 26;
  std::vector<LaunchInputs> launches;
  launches.push_back(MakeInputs(shape, world, 101, true, {{0, shape.capacity}, {1, 24}}));
  launches.push_back(MakeInputs(shape, world, 102, true, {{0, 5}, {world - 1, 0}}));
  launches.push_back(MakeInputs(shape, world, 103, true, {{0, 18}, {1, 30}}));
  ExpectStableUnderJitter(GetParam(), shape, launches, 10000);
}

// Note [Buffer reuse across layers]: in layer 0 every rank takes lines back (20 rows) and routes
// every pair to rank 0, so it sends the other ranks nothing but its dispatch flags; in layer 1
// every rank is full and sends rows, overwriting those flags. A rank that did not wait for every
// peer's combine in layer 0 could overwrite them before a slow peer read them, and that peer's
// wait would expire. 2,000 replays under jitter.
TEST_P(A2aLlTest, LinesBackSourceWaitsForPeersItSentNothing) {
  const int world = GetParam().world;
  const Shape shape;
  std::vector<std::pair<int, int>> lines_back, full;
  for (int rank = 0; rank < world; ++rank) {
    lines_back.push_back({rank, 20});
    full.push_back({rank, shape.capacity});
  }
  std::vector<LaunchInputs> launches;
  launches.push_back(MakeInputs(shape, world, 5000, /*allow_idle=*/false, lines_back));
  RouteAllTo(shape, world, /*owner=*/0, 5001, &launches.back());
  launches.push_back(MakeInputs(shape, world, 5002, /*allow_idle=*/false, full));
  ExpectStableUnderJitter(GetParam(), shape, launches, 2000);
}

// a2a_ll.cu Note [The lines' floor]: 40 legs (0, 1, 0, ...) with new counts each, every rank's
// rows to every peer drawn from one seed (up to a source's whole line block, idle pairs among
// them); after each leg recv_rows, zeroed before it, holds every peer's rows bit for bit. A leg 1
// here does not return its leg 0's rows, so the ranks meet before each leg, as the Note requires
// (without it a rank that awaited nothing from a peer ran two legs ahead and overwrote lines the
// peer had not read: bench/results/2026-11-29-h200-stop36, calls 4-6).
TEST_P(A2aLlTest, LinesFloorDeliversEveryRowBitForBit) {
  const int world = GetParam().world;
  const Shape shape;
  constexpr int kLegs = 40;
  // Every rank's x, drawn once.
  std::vector<std::vector<uint16_t>> xs(world);
  for (int rank = 0; rank < world; ++rank) {
    std::mt19937_64 rng(7000 + rank);
    xs[rank].resize(static_cast<size_t>(shape.capacity) * shape.hidden);
    for (auto& v : xs[rank])
      v = static_cast<uint16_t>(rng());
  }
  std::atomic<bool> failed = false;  // a rank failed a leg
  OnTeam(GetParam(), shape, 0, absl::Seconds(20), [&](Rank& r) -> absl::Status {
    const A2aLlLayout& layout = r.a2a.layout();
    const int most = layout.local_experts * layout.shape.line_rows;
    const std::vector<uint16_t>& own_x = xs[r.rank];
    PADGRAPH_ASSIGN_OR_RETURN(DeviceBuffer x, DeviceBuffer::Allocate(own_x.size() * 2));
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaMemcpy(x.data(), own_x.data(), own_x.size() * 2, cudaMemcpyHostToDevice));
    const size_t region = layout.recv_row_count() * layout.row_bytes();
    std::vector<uint16_t> rows(region / 2);
    std::mt19937 rng(7100);
    // Every team meets before each leg (not only loopback ranks, as AllRanksReady), and all leave
    // at the meeting after any rank failed a leg: one returning alone would tear down, which is
    // collective, while its peers waited here.
    absl::Status mine;
    auto meet = [&](int leg) -> absl::Status {
      if (!mine.ok()) failed = true;
      r.ranks->arrive_and_wait();
      if (!failed.load()) return absl::OkStatus();
      return mine.ok() ? absl::AbortedError(fmt::format("a peer failed leg {}", leg - 1)) : mine;
    };
    for (int i = 0; i < kLegs; ++i) {
      // rows[s][d]: what rank s sends rank d in this leg, the same draw on every rank.
      std::vector<std::vector<int>> counts(world, std::vector<int>(world, 0));
      for (int source = 0; source < world; ++source) {
        for (int destination = 0; destination < world; ++destination) {
          const int count = std::uniform_int_distribution<int>(-most / 4, most)(rng);
          if (source != destination) counts[source][destination] = std::max(count, 0);
        }
      }
      A2aLlLinesFloorArgs args;
      args.x = x.data();
      args.x_rows = shape.capacity;
      args.leg = i % 2;
      args.layer = i % 61;
      args.deadline = r.deadline.view();
      for (int peer = 0; peer < world; ++peer) {
        args.rows_to[peer] = counts[r.rank][peer];
        args.rows_from[peer] = counts[peer][r.rank];
      }
      PADGRAPH_RETURN_IF_ERROR(meet(i));
      mine = [&]() -> absl::Status {
        PADGRAPH_CUDA_RETURN_IF_ERROR(
            cudaMemsetAsync(r.a2a.recv_rows(), 0, region, r.stream.get()));
        PADGRAPH_RETURN_IF_ERROR(r.a2a.LaunchLinesFloor(args, r.stream.get()));
        PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(r.stream.get()));
        PADGRAPH_RETURN_IF_ERROR(r.deadline.Check());
        PADGRAPH_CUDA_RETURN_IF_ERROR(
            cudaMemcpy(rows.data(), r.a2a.recv_rows(), region, cudaMemcpyDeviceToHost));
        for (int source = 0; source < world; ++source) {
          const std::vector<uint16_t>& source_x = xs[source];
          for (int row = 0; row < args.rows_from[source]; ++row) {
            const size_t at = layout.RecvRowIndex(row / layout.shape.line_rows, source,
                                                  row % layout.shape.line_rows) *
                              shape.hidden;
            const size_t want = static_cast<size_t>(row % shape.capacity) * shape.hidden;
            if (!std::equal(source_x.begin() + want, source_x.begin() + want + shape.hidden,
                            rows.begin() + at)) {
              return absl::InternalError(fmt::format(
                  "leg {}: rank {}'s row {} from rank {} differs", i, r.rank, row, source));
            }
          }
        }
        return absl::OkStatus();
      }();
    }
    return meet(kLegs);
  });
}

// Rank 1 skips layer 1. Rank 0's dispatch of layer 1 waits for words rank 1 never sends (rank 1's
// next words carry layer 2): it expires within the budget, the record names layer 1 and rank 1, and
// rank 0's next launches exit at once. Rank 1's layer-2 wait expires likewise, naming another
// rank, or ends on the poison rank 0 then sends (Note [Passing an expiry on]).
TEST_P(A2aLlTest, SkippedLayerExpiresNamingTheLayerAndThePeer) {
  const int world = GetParam().world;
  const Shape shape;
  constexpr absl::Duration kBudget = absl::Milliseconds(100);
  std::vector<LaunchInputs> launches;
  for (int i = 0; i < 3; ++i)
    launches.push_back(MakeInputs(shape, world, 500 + i, /*allow_idle=*/false));
  OnTeam(GetParam(), shape, /*jitter_ns=*/0, kBudget, [&](Rank& r) -> absl::Status {
    const int rank = r.rank;
    cudaStream_t stream = r.stream.get();
    PADGRAPH_ASSIGN_OR_RETURN(DeviceInputs in, r.FirstLayer(shape, launches));
    const int layer = rank == 1 ? 2 : 1;  // rank 1 skips layer 1
    auto start = std::chrono::steady_clock::now();
    PADGRAPH_RETURN_IF_ERROR(
        r.a2a.Dispatch(in.DispatchArgs(layer, layer, r.deadline.view()), stream));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    const double expired_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (rank > 1) return absl::OkStatus();  // ranks 2, 3 wait for rank 1 too; not checked here
    absl::Status check = r.deadline.Check();
    // Rank 0 waits only for rank 1; rank 1 waits for every other rank, any of which may be named.
    const std::string want_layer = fmt::format("layer {}", layer);
    const std::string want_peer = rank == 0 ? "waiting for rank 1" : "waiting for rank";
    const bool poisoned = rank == 1 && check.message().find("that its own") != std::string::npos;
    if (!absl::IsDeadlineExceeded(check) || check.message().find(want_layer) == std::string::npos ||
        (check.message().find(want_peer) == std::string::npos && !poisoned) ||
        (rank == 1 && check.message().find("waiting for rank 1") != std::string::npos)) {
      return absl::InternalError(
          fmt::format("rank {}: wanted DeadlineExceeded naming {} and {}, got {}", rank, want_layer,
                      want_peer, check.ToString()));
    }
    if (expired_ms < 0.9 * absl::ToDoubleMilliseconds(kBudget) ||
        expired_ms > absl::ToDoubleMilliseconds(kBudget) + 2000) {
      return absl::InternalError(
          fmt::format("rank {}: the wait expired after {} ms", rank, expired_ms));
    }
    start = std::chrono::steady_clock::now();
    PADGRAPH_RETURN_IF_ERROR(r.a2a.Combine(
        in.CombineArgs(layer, layer, r.expert_out.data(), r.deadline.view()), stream));
    PADGRAPH_RETURN_IF_ERROR(r.a2a.Dispatch(in.DispatchArgs(2, 2, r.deadline.view()), stream));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    const double later_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (later_ms > 0.2 * absl::ToDoubleMilliseconds(kBudget)) {
      return absl::InternalError(
          fmt::format("rank {}: launches after the expiry took {} ms", rank, later_ms));
    }
    std::printf(
        "[ rank %d ] wait expired after %.1f ms (budget %.0f ms); later launches %.3f ms: %s\n",
        rank, expired_ms, absl::ToDoubleMilliseconds(kBudget), later_ms,
        std::string(check.message()).c_str());
    return absl::OkStatus();
  });
}

// Rank 1 starts layer 1 (launch 1 of `launches`) three budgets late; ranks_test::
// CheckSlowRankOutcome judges every rank's outcome.
void ExpectSlowRankMakesEveryRankFail(const Team& team, const Shape& shape,
                                      const std::vector<LaunchInputs>& launches,
                                      absl::Duration budget) {
  OnTeam(team, shape, /*jitter_ns=*/0, budget, [&](Rank& r) -> absl::Status {
    const int rank = r.rank;
    cudaStream_t stream = r.stream.get();
    PADGRAPH_ASSIGN_OR_RETURN(DeviceInputs in, r.FirstLayer(shape, launches));
    if (rank == 1) std::this_thread::sleep_for(absl::ToChronoMilliseconds(3 * budget));
    const auto start = std::chrono::steady_clock::now();
    PADGRAPH_RETURN_IF_ERROR(r.Layer(in, 1, 1, false));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return ranks_test::CheckSlowRankOutcome(rank, r.deadline.Check(), ms, budget);
  });
}

// Note [Passing an expiry on]: rank 1 is only slow (it starts layer 1 three budgets late). Every
// other rank's wait for it expires; they then send poison in place of their layer-1 combine flags,
// so rank 1, whose own layer-1 dispatch still finds their (sent before they expired) rows, fails
// its combine at once, naming a peer that expired first, instead of summing rows never sent.
TEST_P(A2aLlTest, SlowRankMakesEveryRankFail) {
  const int world = GetParam().world;
  const Shape shape;
  std::vector<LaunchInputs> launches;
  for (int i = 0; i < 2; ++i)
    launches.push_back(MakeInputs(shape, world, 700 + i, /*allow_idle=*/false));
  ExpectSlowRankMakesEveryRankFail(GetParam(), shape, launches, absl::Milliseconds(100));
}

// As SlowRankMakesEveryRankFail, with rank 1's layer-1 tokens (8 rows: lines out and lines back)
// routing pairs 0 and 4 to its own experts and every other pair to other ranks'. Its combine runs
// the narrow line sum (8 rows x 5 lines fit the 128 warps of 8 blocks; Note [The line sum's
// width]), where lane group 0 of every warp awaits pairs 0 and 4 only: those lines land, and only
// the other groups find the peers' poison. Rank 1 must still fail at once naming a peer that
// poisoned, not wait out its budget and name the owner of pair 0, itself.
TEST_P(A2aLlTest, SlowRankFailsAtOnceWhereOnlyOtherLineGroupsAwaitPoison) {
  const int world = GetParam().world;
  const Shape shape;
  constexpr int kSlowRows = 8;
  const int local = shape.experts / world;
  // What puts the case on the narrow sum (its launch is bucketed to kSlowRows rows), with lane
  // group 0 awaiting pairs 0 and 4 only.
  const int lines_per_row =
      (shape.hidden * 2 + kA2aLlLinePayloadBytes - 1) / kA2aLlLinePayloadBytes;
  const int combine_warps = shape.max_sms / world * world * (A2aLl::kThreadsPerBlock / 32);
  ASSERT_LE(kSlowRows * lines_per_row, combine_warps);
  ASSERT_EQ(shape.top_k, 2 * kA2aLlLinesPerWarp);
  ASSERT_LE(kSlowRows, std::min(shape.line_rows, shape.return_line_rows));
  std::vector<LaunchInputs> launches;
  std::mt19937_64 rng(711);
  for (int i = 0; i < 2; ++i) {
    launches.push_back(MakeInputs(shape, world, 710 + i, /*allow_idle=*/false, {{1, kSlowRows}}));
    for (int t = 0; t < kSlowRows; ++t) {
      std::vector<int> own(local), others;
      std::iota(own.begin(), own.end(), local);
      for (int expert = 0; expert < shape.experts; ++expert) {
        if (expert / local != 1) others.push_back(expert);
      }
      std::shuffle(own.begin(), own.end(), rng);
      std::shuffle(others.begin(), others.end(), rng);
      int next_own = 0, next_other = 0;
      for (int k = 0; k < shape.top_k; ++k) {
        launches[i].ids[1][t * shape.top_k + k] =
            k % kA2aLlLinesPerWarp == 0 ? own[next_own++] : others[next_other++];
      }
    }
  }
  ExpectSlowRankMakesEveryRankFail(GetParam(), shape, launches, absl::Milliseconds(100));
}

// Note [SM budget]: with two SMs of every GPU held by another stream's kernel for three budgets,
// a layer on every SM waits for them (a cooperative launch starts whole) and then completes within
// its budget and matches the reference. A grid that started partly would have its resident blocks
// wait for flags its unstarted blocks publish, and expire.
TEST_P(A2aLlNcclTest, HeldSmsDelayTheLaunchInsteadOfStallingIt) {
  const int world = GetParam();
  Shape shape;
  constexpr absl::Duration kBudget = absl::Milliseconds(100);
  const absl::Duration kHold = 3 * kBudget;
  const std::vector<LaunchInputs> launches = {MakeInputs(shape, world, 900, false)};
  OnRanks(world, [&](int rank, const ncclUniqueId& id) -> absl::Status {
    int sm_count = 0;
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(rank));
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaDeviceGetAttribute(&sm_count, cudaDevAttrMultiProcessorCount, rank));
    Shape whole = shape;
    whole.max_sms = sm_count;
    PADGRAPH_ASSIGN_OR_RETURN(Rank r, Rank::Create(world, rank, id, whole, 0, kBudget));
    absl::Status result = [&]() -> absl::Status {
      PADGRAPH_ASSIGN_OR_RETURN(DeviceInputs in, DeviceInputs::Upload(whole, launches, rank));
      PADGRAPH_ASSIGN_OR_RETURN(CudaStream holder_stream, MakeStream());
      PADGRAPH_ASSIGN_OR_RETURN(
          DeviceBuffer started,
          DeviceBuffer::Allocate(sizeof(int32_t), DeviceBuffer::Where::kMappedHost));
      auto* started_flag = started.data<int32_t>();
      *reinterpret_cast<volatile int32_t*>(started_flag) = 0;
      PADGRAPH_RETURN_IF_ERROR(
          LaunchSmHolder(2, absl::ToInt64Nanoseconds(kHold), started_flag, holder_stream.get()));
      while (*reinterpret_cast<volatile int32_t*>(started_flag) == 0)
        std::this_thread::yield();
      const auto start = std::chrono::steady_clock::now();
      PADGRAPH_RETURN_IF_ERROR(r.Layer(in, 0, 0, false));
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(r.stream.get()));
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(holder_stream.get()));
      std::printf("[ rank %d ] layer on all %d SMs ended %.1f ms after the holder started\n", rank,
                  sm_count, ms);
      PADGRAPH_RETURN_IF_ERROR(r.deadline.Check());
      PADGRAPH_ASSIGN_OR_RETURN(std::vector<uint16_t> out, in.ReadOut());
      return CheckOutput(whole, launches[0], rank, out.data(), "with held SMs");
    }();
    PADGRAPH_RETURN_IF_ERROR(r.Teardown());
    return result;
  });
}

// Note [Same options everywhere]: ranks that pass different options fail Create alike, naming
// the field.
TEST_P(A2aLlNcclTest, DifferentOptionsFailOnEveryRank) {
  const int world = GetParam();
  const Shape shape;
  OnRanks(world, [&](int rank, const ncclUniqueId& id) -> absl::Status {
    PADGRAPH_ASSIGN_OR_RETURN(Rank r, Rank::Create(world, rank, id, shape));
    A2aLlOptions options;
    options.num_experts = shape.experts;
    options.top_k = shape.top_k;
    options.hidden = shape.hidden;
    options.capacity = rank == world - 1 ? 2 * shape.capacity : shape.capacity;
    options.max_sms = shape.max_sms;
    auto other = A2aLl::Create(r.comm.get(), options);
    PADGRAPH_RETURN_IF_ERROR(r.Teardown());
    if (other.ok()) {
      PADGRAPH_RETURN_IF_ERROR(other->Destroy());
      return absl::InternalError("Create accepted different capacities");
    }
    const std::string want = fmt::format(
        "options.capacity differs across ranks: {} on rank 0, {} "
        "on rank {}",
        shape.capacity, 2 * shape.capacity, world - 1);
    if (!absl::IsInvalidArgument(other.status()) ||
        other.status().message().find(want) == std::string::npos) {
      return absl::InternalError(other.status().ToString());
    }
    return absl::OkStatus();
  });
}

INSTANTIATE_TEST_SUITE_P(Teams, A2aLlTest,
                         ::testing::Values(Team{2, false}, Team{4, false}, Team{8, false},
                                           Team{2, true}, Team{4, true}),
                         ranks_test::TeamNames());
INSTANTIATE_TEST_SUITE_P(Gpus, A2aLlNcclTest, ::testing::Values(2, 4, 8),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return fmt::format("{}gpus", info.param);
                         });

// Note [Loopback ranks]: more loopback ranks than CUDA's hardware queues are refused.
TEST(A2aLlArgumentsTest, LoopbackRanksNeedAHardwareQueueEach) {
  ranks_test::ExpectRefusedForTooFewQueues(2, 1,
                                           [] { return A2aLl::CreateLoopback(2, A2aLlOptions{}); });
}

// Bad launch arguments are rejected on the host, naming the field and the limit.
TEST(A2aLlArgumentsTest, RejectsOutOfRangeArguments) {
  if (GpuCount() < 1) GTEST_SKIP() << "needs a GPU";
  const Shape shape;
  OnRanks(1, [&](int rank, const ncclUniqueId& id) -> absl::Status {
    PADGRAPH_ASSIGN_OR_RETURN(Rank r, Rank::Create(1, rank, id, shape));
    A2aLlDispatchArgs args;
    args.deadline = r.deadline.view();
    args.rows = shape.capacity + 1;
    absl::Status rows = r.a2a.Dispatch(args, r.stream.get());
    args.rows = 0;
    args.layer = kA2aLlMaxLayer + 1;
    absl::Status layer = r.a2a.Dispatch(args, r.stream.get());
    A2aLlOptions options;
    options.num_experts = 32;
    options.top_k = 8;
    options.hidden = 256;
    options.capacity = 32;
    options.max_sms = 100000;
    auto too_many_sms = A2aLl::Create(r.comm.get(), options);
    options.max_sms = 8;
    options.line_rows = kA2aLlMaxLineRows + 1;
    auto too_many_line_rows = A2aLl::Create(r.comm.get(), options);
    options.line_rows = kA2aLlLineRowsAuto;
    options.return_line_rows = kA2aLlMaxReturnLineRows + 1;
    auto too_many_return_line_rows = A2aLl::Create(r.comm.get(), options);
    options.return_line_rows = kA2aLlReturnLineRowsAuto;
    options.rank_dedup_rows = options.capacity + 1;
    auto too_many_rank_dedup_rows = A2aLl::Create(r.comm.get(), options);
    // Note [Rows once per rank]: the dispatch needs the weights (nothing launches: the check
    // comes first).
    Shape dedup_shape;
    dedup_shape.rank_dedup_rows = 0;
    PADGRAPH_ASSIGN_OR_RETURN(A2aLl dedup, A2aLl::Create(r.comm.get(), OptionsFor(dedup_shape, 0)));
    A2aLlDispatchArgs no_weights;
    no_weights.deadline = r.deadline.view();
    no_weights.x = r.expert_out.data();
    no_weights.topk_ids = static_cast<const int32_t*>(r.expert_out.data());
    no_weights.num_rows = static_cast<const int32_t*>(r.expert_out.data());
    no_weights.rows = dedup_shape.line_rows + 1;  // more than the resolved rank_dedup_rows
    absl::Status weights = dedup.Dispatch(no_weights, r.stream.get());
    A2aLlLinesFloorArgs floor;
    floor.deadline = r.deadline.view();
    floor.x = r.expert_out.data();
    floor.x_rows = 1;
    floor.rows_to[0] = 1;  // this rank's own
    absl::Status floor_self = r.a2a.LaunchLinesFloor(floor, r.stream.get());
    floor.rows_to[0] = 0;
    floor.leg = 2;
    absl::Status floor_leg = r.a2a.LaunchLinesFloor(floor, r.stream.get());
    floor.leg = 0;
    floor.x_rows = shape.capacity + 1;
    absl::Status floor_x_rows = r.a2a.LaunchLinesFloor(floor, r.stream.get());
    PADGRAPH_RETURN_IF_ERROR(dedup.Destroy());
    PADGRAPH_RETURN_IF_ERROR(r.Teardown());
    if (!absl::IsInvalidArgument(rows) || rows.message().find("rows = 33") == std::string::npos)
      return absl::InternalError(rows.ToString());
    if (!absl::IsInvalidArgument(layer) ||
        layer.message().find("layer = 32768") == std::string::npos)
      return absl::InternalError(layer.ToString());
    if (!absl::IsInvalidArgument(too_many_sms.status()) ||
        too_many_sms.status().message().find("max_sms") == std::string::npos)
      return absl::InternalError(too_many_sms.status().ToString());
    if (!absl::IsInvalidArgument(too_many_line_rows.status()) ||
        too_many_line_rows.status().message().find("line_rows = 65") == std::string::npos)
      return absl::InternalError(too_many_line_rows.status().ToString());
    if (!absl::IsInvalidArgument(too_many_return_line_rows.status()) ||
        too_many_return_line_rows.status().message().find("return_line_rows = 129") ==
            std::string::npos)
      return absl::InternalError(too_many_return_line_rows.status().ToString());
    if (!absl::IsInvalidArgument(too_many_rank_dedup_rows.status()) ||
        too_many_rank_dedup_rows.status().message().find("rank_dedup_rows = 33") ==
            std::string::npos)
      return absl::InternalError(too_many_rank_dedup_rows.status().ToString());
    if (!absl::IsInvalidArgument(weights) || weights.message().find("weights") == std::string::npos)
      return absl::InternalError(weights.ToString());
    for (const auto& [status, field] :
         {std::pair{floor_self, "rows_to = 1"}, std::pair{floor_leg, "leg = 2"},
          std::pair{floor_x_rows, "x_rows = 33"}}) {
      if (!absl::IsInvalidArgument(status) || status.message().find(field) == std::string::npos)
        return absl::InternalError(status.ToString());
    }
    return absl::OkStatus();
  });
}

}  // namespace
}  // namespace padgraph
