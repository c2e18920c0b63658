// lsa_gather: the exchange kernel behind Gather and Return, and the collective set-up and teardown
// (lsa_gather.h).
#include <nccl.h>

#include <algorithm>
#include <vector>

#include "device_exchange.cuh"
#include "fmt/format.h"
#include "padgraph/ep_backend/lsa_gather.h"
#include "padgraph/ep_backend/nccl_comm.h"
#include "padgraph/graph_runtime/bounded_wait.cuh"
#include "padgraph/graph_runtime/cuda_check.h"
#include "padgraph/graph_runtime/cuda_handles.h"
#include "padgraph/padding_policy/status_macros.h"
#include "same_options.h"
#include "symmetric_window.h"

namespace padgraph {
namespace {

using device_exchange::AddCount;
using device_exchange::BeginCollectiveCreate;
using device_exchange::Jitter;
using device_exchange::LaunchCooperative;

constexpr int kCopyUnroll = 4;  // 16-byte loads in flight per thread while copying
constexpr int kWordBytes = 16;

enum Counter {
  kGatherPeer = 0,
  kGatherSelf = 1,
  kGatherReceived = 2,
  kReturnPeer = 3,
  kReturnSelf = 4,
  kReturnReceived = 5,
  kCounters = 6
};

// One launch, Gather or Return: what this rank sends to each rank and where received rows go.
struct ExchangeParams {
  LsaGatherLayout layout;
  DeadlineView deadline;
  unsigned long long* counters;     // [kCounters]
  char* peers[kLsaGatherMaxWorld];  // every rank's window, mapped here (computed once at Create)
  uint32_t* epochs;                 // [blocks], Note [Epochs without host state] in a2a_ll.h
  const uint4* source;              // Gather: `local`; Return: `partial`
  size_t source_slot_words;         // Gather: 0 (the same rows to every rank); Return: a slot
  const int32_t* num_rows;          // Gather: the real rows, clamped to [0, rows]; Return: null
  int rows;                         // Gather: the host bound of num_rows
  const int32_t* counts;            // Return: rows owed to each rank (the last Gather's counts)
  int32_t* counts_out;              // Gather: where the landed rows are counted; Return: null
  uint4* out;                       // `gathered` / `received`: slot p at p x slot_rows rows
  int slot_rows;                    // rows per slot of `out` (and of a Return's `source`)
  int row_words;                    // 16-byte words per row of this launch
  int rank;
  int layer;
  Counter peer_counter;
  Counter self_counter;
  Counter received_counter;
  uint32_t jitter_max_ns;
};

// Block `share` of `shares` copies its part of `words` 16-byte words (LsaGatherShareWords): the
// caller's memory is read through the read-only path, a window (written by peers during this
// kernel) at L2, never through a possibly stale L1 line. ptxas may move read-only loads after the
// stores (a2a_ll.cu Note [Loads ahead of stores]); here it has not, and tools/sass-copy-order.sh
// checks that it still does not.
template <bool kFromWindow>
__device__ __forceinline__ void CopyShare(const uint4* __restrict__ source, uint4* destination,
                                          size_t words, int share, int shares,
                                          uint32_t jitter_max_ns) {
  const size_t round = static_cast<size_t>(shares) * kLsaGatherThreadsPerBlock;
  for (size_t base = static_cast<size_t>(share) * kLsaGatherThreadsPerBlock + threadIdx.x;
       base < words; base += round * kCopyUnroll) {
    uint4 value[kCopyUnroll];
#pragma unroll
    for (int u = 0; u < kCopyUnroll; ++u) {
      const size_t i = base + u * round;
      if (i < words) value[u] = kFromWindow ? __ldcg(source + i) : __ldg(source + i);
    }
    Jitter(jitter_max_ns, static_cast<uint32_t>(base));
#pragma unroll
    for (int u = 0; u < kCopyUnroll; ++u) {
      const size_t i = base + u * round;
      if (i < words) destination[i] = value[u];
    }
  }
}

// lsa_gather.h Note [Gather] and Note [Return]: block i serves rank i % world (Note [lsa_gather
// SM budget]).
__global__ void __launch_bounds__(kLsaGatherThreadsPerBlock, 1)
    ExchangeKernel(const ExchangeParams p) {
  // Gather and Return share the launch counters, so the counter is read after the wait, with the
  // count (device_exchange.cuh, OwnLaunchCounter).
  device_exchange::AwaitPredecessor();
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  __shared__ uint32_t shared_epoch;
  __shared__ int shared_send_rows;
  __shared__ int shared_expired;
  __shared__ int shared_received_rows;
  const LsaGatherLayout& layout = p.layout;
  const int world = layout.world;
  const int peer = static_cast<int>(blockIdx.x) % world;
  const int share = static_cast<int>(blockIdx.x) / world;
  const int shares = layout.group_blocks;
  if (threadIdx.x == 0) {
    shared_epoch = last_epoch + 1;
    shared_send_rows =
        p.num_rows != nullptr ? min(max(*p.num_rows, 0), p.rows) : min(p.counts[peer], p.slot_rows);
    shared_expired = DeadlineExpiredOnDevice(p.deadline);
  }
  __syncthreads();
  const uint32_t epoch = shared_epoch;
  // After the barrier, which would otherwise wait for it (a2a_ll.cu Note [Stores after
  // barriers]).
  if (threadIdx.x == 0) {
    Jitter(p.jitter_max_ns, blockIdx.x * 53u);
    p.epochs[blockIdx.x] = epoch;
  }
  const int buffer = LsaGatherBufferOf(epoch);
  const bool expired = shared_expired != 0;
  const int send_rows = expired ? 0 : shared_send_rows;
  const size_t send_words = static_cast<size_t>(send_rows) * p.row_words;
  const uint4* source = p.source + peer * p.source_slot_words;
  uint4* out_slot = p.out + static_cast<size_t>(peer) * p.slot_rows * p.row_words;
  const unsigned long long sent_bytes =
      LsaGatherShareWords(send_words, share, shares, kLsaGatherThreadsPerBlock) * kWordBytes;

  if (peer == p.rank) {
    // The own slot: a local copy, nothing to wait for.
    CopyShare<false>(source, out_slot, send_words, share, shares, 0);
    if (threadIdx.x == 0) {
      AddCount(p.counters + p.self_counter, sent_bytes);
      if (p.counts_out != nullptr && share == 0) p.counts_out[peer] = send_rows;
    }
    return;
  }

  char* peer_window = p.peers[peer];
  CopyShare<false>(source,
                   reinterpret_cast<uint4*>(peer_window + layout.SlotOffset(buffer, p.rank)),
                   send_words, share, shares, p.jitter_max_ns);
  // The block's rows (every thread's, ordered by the barrier and the fence) before its flag at
  // the peer. A rank whose deadline expired sends poison instead (Note [lsa_gather expiry]).
  __syncthreads();
  if (threadIdx.x == 0) {
    AddCount(p.counters + p.peer_counter, sent_bytes);
    Jitter(p.jitter_max_ns, blockIdx.x * 29u);
    __threadfence_system();
    StoreReleaseSys(
        reinterpret_cast<uint64_t*>(peer_window + layout.FlagOffset(buffer, p.rank, share)),
        expired || DeadlineExpiredOnDevice(p.deadline) ? kA2aLlPoisonWord
                                                       : FlagWord(epoch, p.layer, send_rows));
    // The peer's block of the same index stored exactly the words this block copies out.
    const uint64_t* flag =
        reinterpret_cast<const uint64_t*>(p.peers[p.rank] + layout.FlagOffset(buffer, peer, share));
    uint64_t word = 0;
    const bool arrived =
        device_exchange::WaitForWord(p.deadline, p.layer, p.jitter_max_ns, flag,
                                     FlagTag(epoch, p.layer), peer, blockIdx.x, &word);
    // At most the caller's slot (lsa_gather.h Note [Slots of the caller's buffers]).
    shared_received_rows = arrived ? min(FlagWordCount(word), p.slot_rows) : 0;
  }
  // Thread 0's acquire, then the barrier, orders every thread's reads of the rows after the flag.
  __syncthreads();
  const int received_rows = shared_received_rows;
  if (threadIdx.x == 0) {  // after the barrier (a2a_ll.cu Note [Stores after barriers])
    AddCount(p.counters + p.received_counter,
             LsaGatherShareWords(static_cast<size_t>(received_rows) * p.row_words, share, shares,
                                 kLsaGatherThreadsPerBlock) *
                 kWordBytes);
    if (p.counts_out != nullptr && share == 0) p.counts_out[peer] = received_rows;
  }
  const uint4* landed =
      reinterpret_cast<const uint4*>(p.peers[p.rank] + layout.SlotOffset(buffer, peer));
  CopyShare<true>(landed, out_slot, static_cast<size_t>(received_rows) * p.row_words, share, shares,
                  0);
}

absl::Status Invalid(const char* field, int64_t value, const std::string& limit) {
  return absl::InvalidArgumentError(
      fmt::format("lsa_gather: {} = {} is out of range: {}", field, value, limit));
}

bool Aligned(const void* pointer) {
  return reinterpret_cast<uintptr_t>(pointer) % kWordBytes == 0;
}

}  // namespace

struct LsaGather::State {
  int rank = 0;
  LsaGatherLayout layout;
  LsaGatherOptions options;
  SymmetricWindow window;
  DeviceBuffer epochs;  // uint32 [blocks], shared by Gather and Return
  DeviceBuffer counts;  // int32 [world]
  DeviceBuffer counters;

  absl::Status SetUp(int world, int ranks_per_gpu);
};

namespace {

// The checks Gather and Return share, naming the field and the limit. (Templates: State is
// LsaGather's private type, deduced here rather than named.)
template <typename State>
absl::Status CheckLaunch(const State& s, int slot_rows, int row_bytes, int layer,
                         const DeadlineView& deadline) {
  if (deadline.record == nullptr || deadline.device_expired == nullptr || deadline.budget_ns == 0) {
    return absl::InvalidArgumentError(
        "lsa_gather: args.deadline must be a view of a created Deadline (rule 3: every device "
        "wait is bounded)");
  }
  if (slot_rows < 1 || slot_rows > s.layout.slot_rows) {
    return Invalid("slot_rows", slot_rows,
                   fmt::format("must be in [1, options.slot_rows ({})]", s.layout.slot_rows));
  }
  if (row_bytes < kLsaGatherRowBytesMultiple || row_bytes > s.layout.row_bytes ||
      row_bytes % kLsaGatherRowBytesMultiple != 0) {
    return Invalid(
        "row_bytes", row_bytes,
        fmt::format("must be a multiple of {} in [{}, options.row_bytes ({})]",
                    kLsaGatherRowBytesMultiple, kLsaGatherRowBytesMultiple, s.layout.row_bytes));
  }
  if (layer < 0 || layer > kLsaGatherMaxLayer) {
    return Invalid("layer", layer, fmt::format("must be in [0, {}]", kLsaGatherMaxLayer));
  }
  return absl::OkStatus();
}

template <typename State>
ExchangeParams ParamsFor(const State& s, int slot_rows, int row_bytes, int layer,
                         const DeadlineView& deadline) {
  ExchangeParams params = {};
  params.slot_rows = slot_rows;
  params.layout = s.layout;
  params.deadline = deadline;
  params.counters = s.counters.template data<unsigned long long>();
  const SymmetricWindow::PeerBases& peers = s.window.peer_bases();
  static_assert(std::tuple_size_v<SymmetricWindow::PeerBases> == kLsaGatherMaxWorld);
  std::copy(peers.begin(), peers.end(), params.peers);
  params.epochs = s.epochs.template data<uint32_t>();
  params.row_words = row_bytes / kWordBytes;
  params.rank = s.rank;
  params.layer = layer;
  params.jitter_max_ns = s.options.jitter_max_ns;
  return params;
}

}  // namespace

// Every check that can differ across GPUs (the SM count's) and every allocation of one rank,
// before any collective step (Note [Symmetric window set-up and teardown]). `ranks_per_gpu` is 1,
// or world for loopback ranks (Note [Loopback ranks]), which share the GPU's SMs.
absl::Status LsaGather::State::SetUp(int world, int ranks_per_gpu) {
  int device = 0, sm_count = 0;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetDevice(&device));
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaDeviceGetAttribute(&sm_count, cudaDevAttrMultiProcessorCount, device));
  PADGRAPH_ASSIGN_OR_RETURN(layout, MakeLsaGatherLayout(world, sm_count, options));
  // Note [Loopback ranks]: every rank's Gather and Return resident at once.
  if (ranks_per_gpu > 1 && 2 * ranks_per_gpu * layout.blocks() > sm_count) {
    return Invalid(
        "max_sms", options.max_sms,
        fmt::format("gives {} blocks; {} loopback ranks allow at most {}: the device's "
                    "{} SMs / (2 x ranks), so that every rank's kernels are resident "
                    "at once",
                    layout.blocks(), ranks_per_gpu, sm_count / (2 * ranks_per_gpu), sm_count));
  }
  // Cooperative launches need every block resident at once (Note [lsa_gather SM budget]).
  int per_sm = 0;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaOccupancyMaxActiveBlocksPerMultiprocessor(
      &per_sm, ExchangeKernel, kLsaGatherThreadsPerBlock, 0));
  if (per_sm < 1) {
    return absl::FailedPreconditionError(
        "lsa_gather: the kernel's block does not fit on one SM (registers or shared memory)");
  }
  PADGRAPH_ASSIGN_OR_RETURN(epochs, DeviceBuffer::Allocate(layout.blocks() * sizeof(uint32_t)));
  PADGRAPH_ASSIGN_OR_RETURN(counts, DeviceBuffer::Allocate(world * sizeof(int32_t)));
  PADGRAPH_ASSIGN_OR_RETURN(counters, DeviceBuffer::Allocate(kCounters * sizeof(uint64_t)));
  for (DeviceBuffer* buffer : {&epochs, &counts, &counters}) {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemset(buffer->data(), 0, buffer->bytes()));
  }
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaDeviceSynchronize());
  return absl::OkStatus();
}

// An LsaGather dropped without Destroy: its window warns and leaks (symmetric_window.h).
LsaGather::LsaGather() = default;
LsaGather::LsaGather(LsaGather&&) noexcept = default;
LsaGather& LsaGather::operator=(LsaGather&&) noexcept = default;
LsaGather::~LsaGather() = default;

absl::StatusOr<LsaGather> LsaGather::Create(ncclComm_t comm, const LsaGatherOptions& options) {
  // First the collective, so that options valid on some ranks only fail on every rank.
  const char* const names[] = {"row_bytes", "slot_rows", "max_sms", "jitter_max_ns"};
  const int64_t values[] = {options.row_bytes, options.slot_rows, options.max_sms,
                            options.jitter_max_ns};
  PADGRAPH_ASSIGN_OR_RETURN(const device_exchange::CommPlace place,
                            BeginCollectiveCreate(comm, "lsa_gather", names, values));
  const int world = place.world;
  const int rank = place.rank;

  LsaGather gather;
  gather.state_ = std::make_unique<State>();
  State& s = *gather.state_;
  s.rank = rank;
  s.options = options;
  const absl::Status set_up = s.SetUp(world, /*ranks_per_gpu=*/1);
  PADGRAPH_ASSIGN_OR_RETURN(
      s.window, SymmetricWindow::Create(comm, s.layout.window_bytes, "lsa_gather", set_up));
  return gather;
}

absl::StatusOr<std::vector<LsaGather>> LsaGather::CreateLoopback(int world,
                                                                 const LsaGatherOptions& options) {
  return MakeLoopbackTeam<LsaGather>(
      world, "lsa_gather",
      [&](LsaGather& gather, int rank) -> absl::StatusOr<size_t> {
        gather.state_ = std::make_unique<State>();
        gather.state_->rank = rank;
        gather.state_->options = options;
        PADGRAPH_RETURN_IF_ERROR(gather.state_->SetUp(world, /*ranks_per_gpu=*/world));
        return gather.state_->layout.window_bytes;
      },
      [](LsaGather& gather, SymmetricWindow window) { gather.state_->window = std::move(window); });
}

absl::Status LsaGather::Destroy() {
  if (state_ == nullptr) return absl::OkStatus();
  PADGRAPH_RETURN_IF_ERROR(state_->window.Destroy());
  state_.reset();
  return absl::OkStatus();
}

absl::Status LsaGather::Gather(const LsaGatherArgs& args, cudaStream_t stream) const {
  if (state_ == nullptr) return absl::FailedPreconditionError("lsa_gather: Gather after Destroy");
  const State& s = *state_;
  PADGRAPH_RETURN_IF_ERROR(
      CheckLaunch(s, args.slot_rows, args.row_bytes, args.layer, args.deadline));
  if (args.rows < 0 || args.rows > args.slot_rows) {
    return Invalid("rows", args.rows,
                   fmt::format("must be in [0, args.slot_rows ({})]", args.slot_rows));
  }
  if (args.num_rows == nullptr || args.gathered == nullptr ||
      (args.rows > 0 && args.local == nullptr)) {
    return absl::InvalidArgumentError(
        "lsa_gather: Gather needs num_rows and gathered, and local when rows > 0");
  }
  if (!Aligned(args.local) || !Aligned(args.gathered)) {
    return absl::InvalidArgumentError("lsa_gather: local and gathered must be 16-byte aligned");
  }
  ExchangeParams params = ParamsFor(s, args.slot_rows, args.row_bytes, args.layer, args.deadline);
  params.source = static_cast<const uint4*>(args.local);
  params.source_slot_words = 0;
  params.num_rows = args.num_rows;
  params.rows = args.rows;
  params.counts_out = s.counts.data<int32_t>();
  params.out = static_cast<uint4*>(args.gathered);
  params.peer_counter = kGatherPeer;
  params.self_counter = kGatherSelf;
  params.received_counter = kGatherReceived;
  PADGRAPH_CUDA_RETURN_IF_ERROR(LaunchCooperative(ExchangeKernel, s.layout.blocks(),
                                                  kLsaGatherThreadsPerBlock, params, stream));
  return absl::OkStatus();
}

absl::Status LsaGather::Return(const LsaReturnArgs& args, cudaStream_t stream) const {
  if (state_ == nullptr) return absl::FailedPreconditionError("lsa_gather: Return after Destroy");
  const State& s = *state_;
  PADGRAPH_RETURN_IF_ERROR(
      CheckLaunch(s, args.slot_rows, args.row_bytes, args.layer, args.deadline));
  if (args.partial == nullptr || args.received == nullptr) {
    return absl::InvalidArgumentError("lsa_gather: Return needs partial and received");
  }
  if (!Aligned(args.partial) || !Aligned(args.received)) {
    return absl::InvalidArgumentError("lsa_gather: partial and received must be 16-byte aligned");
  }
  ExchangeParams params = ParamsFor(s, args.slot_rows, args.row_bytes, args.layer, args.deadline);
  params.source = static_cast<const uint4*>(args.partial);
  params.source_slot_words = static_cast<size_t>(args.slot_rows) * params.row_words;
  params.counts = s.counts.data<int32_t>();
  params.out = static_cast<uint4*>(args.received);
  params.peer_counter = kReturnPeer;
  params.self_counter = kReturnSelf;
  params.received_counter = kReturnReceived;
  PADGRAPH_CUDA_RETURN_IF_ERROR(LaunchCooperative(ExchangeKernel, s.layout.blocks(),
                                                  kLsaGatherThreadsPerBlock, params, stream));
  return absl::OkStatus();
}

const LsaGatherLayout& LsaGather::layout() const {
  return state_->layout;
}
int LsaGather::rank() const {
  return state_->rank;
}
int LsaGather::world() const {
  return state_->layout.world;
}
int LsaGather::blocks() const {
  return state_->layout.blocks();
}
const int32_t* LsaGather::counts() const {
  return state_->counts.data<int32_t>();
}

absl::StatusOr<LsaGatherCounters> LsaGather::ReadCounters() const {
  if (state_ == nullptr) {
    return absl::FailedPreconditionError("lsa_gather: counters after Destroy");
  }
  uint64_t values[kCounters] = {};
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaMemcpy(values, state_->counters.data(), sizeof(values), cudaMemcpyDeviceToHost));
  LsaGatherCounters counters;
  counters.gather_peer_bytes = values[kGatherPeer];
  counters.gather_self_bytes = values[kGatherSelf];
  counters.gather_received_bytes = values[kGatherReceived];
  counters.return_peer_bytes = values[kReturnPeer];
  counters.return_self_bytes = values[kReturnSelf];
  counters.return_received_bytes = values[kReturnReceived];
  return counters;
}

}  // namespace padgraph
