// a2a_ll: the dispatch and combine kernels, the egress probe, the lines' floor, and the collective
// set-up and teardown (a2a_ll.h). nvcc compiles this file: nccl_device.h is CUDA-only.
#include <cuda_bf16.h>
#include <nccl.h>
#include <nccl_device.h>

#include <algorithm>
#include <vector>

#include "device_exchange.cuh"
#include "fmt/format.h"
#include "lines.cuh"
#include "padgraph/ep_backend/a2a_ll.h"
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
using device_exchange::StoreRelaxedSys;

constexpr int kWarpSize = 32;
constexpr int kWarpsPerBlock = A2aLl::kThreadsPerBlock / kWarpSize;
constexpr int kCopyUnroll = 8;  // 16-byte loads in flight per lane while copying a row
constexpr unsigned kFullMask = 0xffffffffu;
constexpr int kReduceLoads = 8;     // (token, k) rows in flight per thread in the combine's sum
constexpr int kLineSumLoads = 8;    // (token, k) lines awaited at once per warp in the line sum
constexpr int kLineUnroll = 4;      // (row, four lines) units loaded per warp before any is stored
constexpr int kSpreadChunks = 4;    // units of a row spread over the grid (Note [Dispatch])
constexpr int kPartialWords = 6;    // 16-byte words per lane of a partial sum's chunk (rows once)
constexpr int kPartialMembers = 2;  // a partial sum's rows loaded at once

// Note [The list's two counts]
// The dispatch's receive scans, per (local expert, source), the rows that sources send as lines
// (to unpack) in the low kOwnListedShift bits of one int and, when this rank sends lines, its own
// pairs for its own experts above them. Neither sum carries into the other (at most (world - 1) x
// line_rows x top_k rows, line_rows x top_k own pairs), so the one scan gives the rows' prefix and
// every block the own pairs' total, which the combine's list holds first (Note [The combine's list
// of lines to send]), so the rows unpacked are listed after it. Counting the own pairs with the
// slot table instead (a ballot and a shared atomic per warp in every block) cost 0.3 us at 1 row
// between loopback ranks on one H200 (7.72 -> 8.04 us on 2 ranks at 32 SMs, 9.24 -> 9.52 on 4 at
// 16; bench/results/2026-11-29-h200-stop25).
constexpr int kOwnListedShift = 16;
static_assert((kA2aLlMaxWorld - 1) * kA2aLlMaxLineRows * kA2aLlMaxTopK < (1 << kOwnListedShift));
static_assert(kA2aLlMaxLineRows * kA2aLlMaxTopK < (1 << (31 - kOwnListedShift)));

// A source's modes, as the dispatch read them from its words (line_modes).
enum LineMode { kSendsLines = 1, kTakesLinesBack = 2, kSendsOnce = 4, kSpreadsRows = 8 };

enum Counter {
  kDispatchPeer = 0,
  kDispatchSelf = 1,
  kCombinePeer = 2,
  kCombineSelf = 3,
  kInvalidPairs = 4,
  kLinesDispatches = 5,
  kLinesBackDispatches = 6,
  kRowsDispatches = 7,
  kDispatchCopied = 8,
  kRowsOnceDispatches = 9,
  kSpreadDispatches = 10,
  kCounters = 11
};
// Each block adds into its own row of the counters, one 128-byte line, and ReadCounters sums the
// rows. With one row for the grid, each warp's lane 0 ended the dispatch with atomics on the same
// two words (up to 4,096 at 128 rows on 128 SMs), and the combine passed its wait for the dispatch
// 1.2-1.8 us after the dispatch's last block reached them (0.45 at 1 row); with a row per block,
// 0.6-0.8 (%globaltimer in both kernels, bench/results/2026-11-29-h200-stop30, calls 8, 12, 13).
// Over NVLink on 2 H200, one copy per pair at 128 SMs: 58.10 -> 57.31 us at 128 rows, 33.83 ->
// 33.10 at 64, 0.2-0.5 off 80-112 (medians of 3 and 5 rounds); every other case within 0.25, the
// default's too (its 96 rows at 128 SMs +0.46 in call 12, +0.09 over five rounds in call 13).
// Summing in shared memory first, with a barrier at the end, cut the wait by about 0.5 but cost
// 0.1-0.7 us everywhere (call 9).
constexpr int kCounterRow = 16;
static_assert(kCounters <= kCounterRow);

struct KernelCommon {
  A2aLlLayout layout;
  DeadlineView deadline;
  unsigned long long* counters;  // [blocks][kCounterRow]: a block adds into its row (BlockCounters)
  char* peers[kA2aLlMaxWorld];   // every rank's window, mapped here (computed once at Create)
  int rank;
  int layer;
  uint32_t jitter_max_ns;
};

// This block's row of the counters.
__device__ __forceinline__ unsigned long long* BlockCounters(const KernelCommon& c) {
  return c.counters + blockIdx.x * kCounterRow;
}

struct DispatchParams {
  KernelCommon common;
  const uint4* x;
  const int32_t* topk_ids;
  const int32_t* num_rows;
  const float* weights;  // [rows][top_k]: Note [Rows once per rank]
  int rows;
  uint32_t* epochs;       // [gridDim.x], Note [Epochs without host state]
  int32_t* recv_counts;   // [local_experts][world]
  int32_t* sent_rows;     // the count this dispatch used, for the combine that follows
  uint16_t* valid_pairs;  // [capacity]: bit k set when (token, k) was sent (Note [Invalid ids])
                          // and is summed (sent once per rank, a peer's later pairs are not)
  int32_t* line_modes;    // [world]: each source's LineMode bits
  int32_t* pair_routes;   // [return_line_rows][top_k]: 0 for a pair of this rank's own experts,
                          // else -1 - owner (the line sum asks it when a wait runs long)
  int4* line_sends;       // [line_send_rows]: Note [The combine's list of lines to send]
  int line_send_rows;
  int32_t* line_send_count;  // the rows the list holds this launch
  // Note [Rows once per rank]: bit k set when (token, k) comes back as a peer's partial sum.
  uint16_t* partial_pairs;  // [capacity]
  int32_t* members;         // [recv rows][top_k]: where this rank copied each later pair's row
  int4* first_rows;         // [world][capacity]: each source's first pairs' rows here, in no order
  int* first_counts;        // [2][world]: their counts, by the launch's epoch & 1
};

struct CombineParams {
  KernelCommon common;
  const uint4* expert_out;
  const float* weights;
  int rows;
  const int32_t* recv_counts;
  const int32_t* sent_rows;
  const uint16_t* valid_pairs;
  const int32_t* line_modes;
  const int32_t* pair_routes;
  const int4* line_sends;  // [line_send_rows], from the dispatch
  int line_send_rows;
  const int32_t* line_send_count;
  const uint32_t* dispatch_epochs;  // the dispatch's launch counters; [0] tags line_sends
  uint32_t* epochs;                 // [gridDim.x]
  uint4* out;
  const uint16_t* partial_pairs;
  const int32_t* members;
  const int4* first_rows;
  const int* first_counts;
};

// Note [Loads ahead of stores]
// A row copy issues kCopyUnroll 16-byte loads per lane, then their stores. Every load must be
// issued before the first store: a load that follows a store of its own warp waits until that store
// has drained (bench/results/2026-11-29-h200-stop25, store_drain_probe.cu), so one load placed
// after a store adds a second round trip to every round of the copy. ptxas moves loads through the
// read-only path (ld.global.nc: __ldg, which nvcc also emits for loads through a const __restrict__
// pointer) after stores when it likes, since they cannot see the kernel's own stores: with them the
// combine's copy of rows back compiled as 7 loads, 1 store, 1 load, 7 stores, and the dispatch's
// copies of x as 6, 6, 2, 2 once the row paths took an expert's owner by the FastDivisor, which
// made rows once per rank 3-6 us slower at 64-128 rows (bench/results/2026-11-29-h200-stop23, calls
// 13-15). ptxas keeps plain weak loads and __ldcg in program order with the stores, since it cannot
// tell that the source is not the destination: 8 loads, then 8 stores, in every instance
// (cuobjdump -sass: each copy loop's LDG.E.128 before its first STG.E.128; tools/sass-copy-order.sh
// checks it, and tools/issue4-check.sh runs that). So CopyRow's source must stay a plain pointer:
// __restrict__ on it lets nvcc emit ld.global.nc again. Between loopback ranks on one H200, medians
// of five rounds (bench/results/2026-11-29-h200-stop26): one copy per pair at 128 rows
// 83.15 -> 81.69, 55.92 -> 54.82 and 101.00 -> 98.85 us (2 ranks at 16 and 32 SMs, 4 at 16), at 64
// rows 0.2-1.5 less; rows once per rank at 64 rows 63.46 -> 61.57 on 2 ranks; 1-32 rows within 0.2.
// The copies of x are plain loads (L1 caches them): through __ldcg or __ldca they took 0.1-0.7 us
// longer than through ld.global.nc at 8-64 rows, plain loads as long or less. With the order kept,
// the row paths take an expert's owner by the FastDivisor again, as the rest of the kernels do
// (they had taken it by the division operators since stop 23): against that, -0.35 to +0.18 us at
// 1-128 rows, most cases 0.1-0.3 less.

// A warp copies one row of `words` 16-byte words, kCopyUnroll loads in flight per lane, all ahead
// of its stores (Note [Loads ahead of stores]: no __restrict__, no __ldg). Through L1, unless
// kWrittenThisLaunch: a row that landed during this launch is read from L2 (a line L1 kept from
// before it would be stale).
template <bool kWrittenThisLaunch = false>
__device__ __forceinline__ void CopyRow(const uint4* source, uint4* destination, int words,
                                        int lane) {
  for (int base = lane; base < words; base += kWarpSize * kCopyUnroll) {
    uint4 value[kCopyUnroll];
#pragma unroll
    for (int u = 0; u < kCopyUnroll; ++u) {
      const int i = base + u * kWarpSize;
      if (i < words) value[u] = kWrittenThisLaunch ? __ldcg(source + i) : source[i];
    }
#pragma unroll
    for (int u = 0; u < kCopyUnroll; ++u) {
      const int i = base + u * kWarpSize;
      if (i < words) destination[i] = value[u];
    }
  }
}

// The first k at which `token`'s ids name `expert`, or -1 (also for tokens at or past `end`).
__device__ __forceinline__ int FindExpert(const int32_t* __restrict__ topk_ids, int top_k,
                                          int token, int end, int expert) {
  int hit = -1;
  if (token < end) {
    const int32_t* ids = topk_ids + static_cast<size_t>(token) * top_k;
    for (int k = top_k - 1; k >= 0; --k) {
      if (__ldg(ids + k) == expert) hit = k;
    }
  }
  return hit;
}

// Note [Dispatch]: part `part`'s columns of every row of `expert` among the first `rows` tokens,
// stored into block (local expert, rank) of recv_rows at `owner_base`, slots in token order, with
// (part 0) their origins. Returns the expert's row count. The whole warp calls it.
__device__ __forceinline__ int SendColumns(const KernelCommon& c, const uint4* x,
                                           const int32_t* __restrict__ topk_ids, int rows,
                                           int expert, int part, char* owner_base, uint32_t salt) {
  const A2aLlLayout& layout = c.layout;
  const int lane = threadIdx.x % kWarpSize;
  const int top_k = layout.shape.top_k;
  const int words = layout.shape.hidden / 8;
  const int first_word = min(words, part * layout.PartWords());
  const int part_words = min(words, first_word + layout.PartWords()) - first_word;
  const int local_expert = layout.LocalExpertOf(expert);
  int slot = 0;
  for (int t0 = 0; t0 < rows; t0 += kWarpSize) {
    const int hit = FindExpert(topk_ids, top_k, t0 + lane, rows, expert);
    for (unsigned pending = __ballot_sync(kFullMask, hit >= 0); pending != 0;
         pending &= pending - 1) {
      const int source_lane = __ffs(pending) - 1;
      const int k = __shfl_sync(kFullMask, hit, source_lane);
      const int token = t0 + source_lane;
      Jitter(c.jitter_max_ns, salt + slot);
      CopyRow(x + static_cast<size_t>(token) * words + first_word,
              reinterpret_cast<uint4*>(owner_base + layout.RecvRow(local_expert, c.rank, slot)) +
                  first_word,
              part_words, lane);
      if (part == 0 && lane == 0) {
        *reinterpret_cast<int32_t*>(owner_base + layout.RecvOrigin(local_expert, c.rank, slot)) =
            PackOrigin(token, k);
      }
      ++slot;
    }
  }
  return slot;
}

// Whether one of the `span` - 1 lanes before this one in its group of `width` lanes (a power of
// two) holds `key`. Every lane of the warp calls it, with the same width and span (at most
// kA2aLlMaxTopK): keep the call out of a condition. Note [The slot table of lines] says why it is
// shuffles.
__device__ __forceinline__ bool EarlierLaneHolds(int32_t key, int width, int span) {
  const int in_group = static_cast<int>(threadIdx.x % kWarpSize) & (width - 1);
  bool held = false;
#pragma unroll
  for (int j = 1; j < kA2aLlMaxTopK; ++j) {
    if (j >= span) break;
    const int32_t earlier = __shfl_up_sync(kFullMask, key, j, width);
    held |= in_group >= j && earlier == key;
  }
  return held;
}

// Note [Rows once per rank]: for the pair (token, k) of an expert `owner` owns, -1 - the mask of
// the token's valid pairs on `owner` when it is the first of them (in k order), whose row
// travels; else the recv_rows index (block of source `rank`) that the first one's row lands at. Its
// slot counts the tokens before `token` that picked its expert, as that expert's warps count them.
// Called by the whole warp.
__device__ __forceinline__ int32_t FirstPairRow(const A2aLlLayout& layout,
                                                const int32_t* __restrict__ topk_ids, int token,
                                                int k, int owner, int rank, int lane) {
  const int top_k = layout.shape.top_k;
  const int32_t id =
      lane < top_k ? __ldg(topk_ids + static_cast<size_t>(token) * top_k + lane) : -1;
  const bool in_range = id >= 0 && id < layout.shape.num_experts;
  // Note [Invalid ids]: an id that an earlier lane holds repeats a pair and is not sent.
  const uint32_t same = __match_any_sync(kFullMask, in_range ? id : -1 - lane);
  const bool valid = in_range && (same & ((1u << lane) - 1)) == 0;
  const uint32_t there = __ballot_sync(kFullMask, valid && layout.OwnerOf(id) == owner);
  const int first = __ffs(there) - 1;
  if (first == k) return -1 - static_cast<int32_t>(there);
  const int32_t first_expert = __shfl_sync(kFullMask, id, first);
  int slot = 0;
  for (int t0 = 0; t0 < token; t0 += kWarpSize) {
    slot += __popc(
        __ballot_sync(kFullMask, FindExpert(topk_ids, top_k, t0 + lane, token, first_expert) >= 0));
  }
  return static_cast<int32_t>(layout.RecvRowIndex(layout.LocalExpertOf(first_expert), rank, slot));
}

// `token`'s ids, every one loaded at once: a chain of dependent loads here would delay the sends.
__device__ __forceinline__ void LoadIds(const int32_t* __restrict__ topk_ids, int top_k, int token,
                                        int32_t (&id)[kA2aLlMaxTopK]) {
  const int32_t* ids = topk_ids + static_cast<size_t>(token) * top_k;
#pragma unroll
  for (int k = 0; k < kA2aLlMaxTopK; ++k)
    id[k] = k < top_k ? __ldg(ids + k) : -1;
}

// Note [Invalid ids]: the mask of a token's pairs that travel (bit k: an id in range that no
// earlier k of the token repeats).
__device__ __forceinline__ uint32_t ValidPairs(const int32_t (&id)[kA2aLlMaxTopK], int top_k,
                                               int experts) {
  uint32_t mask = 0;
#pragma unroll
  for (int k = 0; k < kA2aLlMaxTopK; ++k) {
    bool valid = k < top_k && id[k] >= 0 && id[k] < experts;
#pragma unroll
    for (int j = 0; j < k; ++j)
      valid = valid && id[j] != id[k];
    mask |= static_cast<uint32_t>(valid) << k;
  }
  return mask;
}

// A bounded wait for the flag word at `flag` to carry `want` (device_exchange.cuh).
__device__ __forceinline__ bool WaitForWord(const KernelCommon& c, const uint64_t* flag,
                                            uint64_t want, int peer, uint32_t salt,
                                            uint64_t* word) {
  return device_exchange::WaitForWord(c.deadline, c.layer, c.jitter_max_ns, flag, want, peer, salt,
                                      word);
}

// Exclusive prefix sum of n values into values[0, n), and their total into values[n]; n <= 2 *
// blockDim.x. Thread t holds values 2t and 2t + 1 in a and b (0 past n). Every thread of the block
// calls it.
__device__ void BlockExclusiveScan(int* values, int n, int a, int b) {
  __shared__ int warp_totals[kWarpsPerBlock];
  const int lane = threadIdx.x % kWarpSize;
  const int warp = threadIdx.x / kWarpSize;
  const int first = 2 * threadIdx.x;
  int inclusive = a + b;
  for (int d = 1; d < kWarpSize; d <<= 1) {
    const int other = __shfl_up_sync(kFullMask, inclusive, d);
    if (lane >= d) inclusive += other;
  }
  if (lane == kWarpSize - 1) warp_totals[warp] = inclusive;
  __syncthreads();
  if (warp == 0) {
    int total = lane < kWarpsPerBlock ? warp_totals[lane] : 0;
    for (int d = 1; d < kWarpSize; d <<= 1) {
      const int other = __shfl_up_sync(kFullMask, total, d);
      if (lane >= d) total += other;
    }
    if (lane < kWarpsPerBlock) warp_totals[lane] = total;
  }
  __syncthreads();
  const int before = (warp > 0 ? warp_totals[warp - 1] : 0) + inclusive - a - b;
  if (first < n) values[first] = before;
  if (first + 1 < n) values[first + 1] = before + a;
  if (threadIdx.x == 0) values[n] = warp_totals[kWarpsPerBlock - 1];
  __syncthreads();
}

// The same in place: values[0, n) become the sums of the values before them.
__device__ void BlockExclusiveScan(int* values, int n) {
  const int first = 2 * threadIdx.x;
  BlockExclusiveScan(values, n, first < n ? values[first] : 0,
                     first + 1 < n ? values[first + 1] : 0);
}

// The segment of `row` in a prefix of n segments (prefix[0] = 0, ascending; row >= 0): the last
// i with prefix[i] & mask <= row, which skips empty segments (`mask` picks one of two counts
// scanned together, Note [The list's two counts]). Every lane of the warp calls it with the
// same row. Each round the lanes probe 32 evenly spaced candidates at once and the last probe at
// or below `row` narrows the candidates 32-fold: two rounds up to 1024 segments, where a binary
// search by one lane took a dependent shared load per halving (8 for 256 segments: the dispatch's
// hottest loop at 4 rows, bench/results/2026-11-29-h200-stop23).
__device__ __forceinline__ int FindSegmentInWarp(const int* prefix, int n, int row, int mask = ~0) {
  const int lane = threadIdx.x % kWarpSize;
  int low = 0;  // prefix[low] <= row throughout
  for (int span = n; span > 1;) {
    const int stride = (span + kWarpSize - 1) / kWarpSize;
    const int at = low + lane * stride;
    const uint32_t at_or_below =
        __ballot_sync(kFullMask, lane * stride < span && (prefix[at] & mask) <= row);
    const int last = kWarpSize - 1 - __clz(at_or_below);  // lane 0's probe is prefix[low]
    low += last * stride;
    span = min(stride, span - last * stride);
  }
  return low;
}

// This lane's share of line `line` of a row (lines.cuh): payload bytes [120 line + 16 part, +16),
// only the first 8 on the tag lane; zero past the row's end.
__device__ __forceinline__ void LoadRowPart(const char* row, size_t row_bytes, int line, int part,
                                            uint64_t* low, uint64_t* high) {
  const size_t at = static_cast<size_t>(line) * kA2aLlLinePayloadBytes + part * 16;
  *low = at < row_bytes ? __ldg(reinterpret_cast<const unsigned long long*>(row + at)) : 0;
  *high = part != lines::kTagLane && at + 8 < row_bytes
              ? __ldg(reinterpret_cast<const unsigned long long*>(row + at + 8))
              : 0;
}
__device__ __forceinline__ void StoreRowPart(char* row, size_t row_bytes, int line, int part,
                                             uint64_t low, uint64_t high) {
  const size_t at = static_cast<size_t>(line) * kA2aLlLinePayloadBytes + part * 16;
  if (at < row_bytes) *reinterpret_cast<uint64_t*>(row + at) = low;
  if (part != lines::kTagLane && at + 8 < row_bytes) {
    *reinterpret_cast<uint64_t*>(row + at + 8) = high;
  }
}

// Loads this lane's part of up to N lines (at[u], nullptr: none) and polls again the ones whose
// tag is not yet `want` (epoch and layer, Note [a2a_ll flag words]) until every line of the warp
// carries it, leaving the parts in low[u], high[u]: N lines in flight, one round trip for all.
// A line counts as landed when its tag lane holds the tag (lines.cuh). Bounded like WaitForWord
// and decided alike on every lane of the warp, which calls it together. peer_of(u) is the rank
// that sends line u; poison_of(u) (nullptr: none) a word that it poisons when its deadline expired
// instead of sending the line. Both are asked only when a wait expires or every kCheckEvery polls,
// and may load what they need then.
// wanted() (bit u: line u) is asked once the first loads are in flight, so that what it loads
// itself takes the same round trip: a line it leaves out is loaded once and not awaited.
template <int N, typename PeerOf, typename PoisonOf, typename Wanted>
__device__ bool AwaitLineParts(const KernelCommon& c, const uint64_t* const (&at)[N], uint64_t want,
                               PeerOf&& peer_of, PoisonOf&& poison_of, Wanted&& wanted,
                               uint32_t salt, uint64_t (&low)[N], uint64_t (&high)[N]) {
  constexpr uint32_t kCheckEvery = 64;
  const int lane = threadIdx.x % kWarpSize;
  const int tag_source = lane | lines::kTagLane;
  // The expired flag loads with the lines, not before them (Note [Bounded device waits]).
  const bool expired = DeadlineExpiredOnDevice(c.deadline);
  uint32_t missing = 0;
#pragma unroll
  for (int u = 0; u < N; ++u) {
    if (at[u] != nullptr) {
      lines::LoadLinePart(at[u], &low[u], &high[u]);
      missing |= 1u << u;
    }
  }
  missing &= wanted();
  if (__any_sync(kFullMask, expired)) return false;
  const uint64_t start_ns = GlobalTimerNs();
  for (uint32_t polls = 1;; ++polls) {
    // The tag lane's verdict holds for its line's eight lanes.
    uint32_t late = 0;
#pragma unroll
    for (int u = 0; u < N; ++u)
      late |= static_cast<uint32_t>((missing >> u & 1u) && FlagWordTag(high[u]) != want) << u;
    missing = __shfl_sync(kFullMask, late, tag_source);
    if (__all_sync(kFullMask, missing == 0)) return true;
    Jitter(c.jitter_max_ns / 4, salt + polls);
#pragma unroll
    for (int u = 0; u < N; ++u) {
      if (missing >> u & 1u) lines::LoadLinePart(at[u], &low[u], &high[u]);
    }
    if (polls % kCheckEvery == 0) {
      // Each line's first lane decides on its line's late parts, and any of them stops the warp:
      // the lines of a warp may await different pairs (Note [The line sum's width]). Several may
      // expire the deadline at once; the first one's layer and peer stand.
      int stop = 0;
      if (lane % lines::kLanesPerLine == 0 && missing != 0) {
        const int first = __ffs(missing) - 1;
        bool poisoned = false;
#pragma unroll
        for (int u = 0; u < N; ++u) {
          const uint64_t* poison = (missing >> u & 1u) && !poisoned ? poison_of(u) : nullptr;
          if (poison != nullptr && LoadAcquireSys(poison) == kA2aLlPoisonWord) {
            ExpireDeadlineOnDevice(c.deadline, c.layer, peer_of(u), DeadlineSource::kPeerExpired);
            poisoned = true;
          }
        }
        if (poisoned || DeadlineExpiredOnDevice(c.deadline)) {
          stop = 1;
        } else if (GlobalTimerNs() - start_ns > c.deadline.budget_ns) {
          ExpireDeadlineOnDevice(c.deadline, c.layer, peer_of(first));
          stop = 1;
        }
      }
      if (__any_sync(kFullMask, stop != 0)) return false;
    }
  }
}

// The receive of a unit of lines: awaits this lane's part (`part`) of line `line` of row
// (local_expert, source, slot) of dispatch_lines buffer `buffer` (nothing past the row's
// lines_per_row lines) and stores it into that row of recv_rows (row_bytes; local_base is this
// rank's window). The caller passes the values it hoisted: a first form that read them from the
// parameters itself took 0.05-0.12 us longer at 1 row over NVLink on 2 H200, this one is within
// 0.03 of the code it replaced at 1 and 8 rows (bench/results/2026-11-29-h200-stop34, calls 1 and
// 4). Returns whether the warp's lines landed (false once a wait expired or past the row's lines),
// with this lane's upper word (the tag, on the tag lane) in `high`. The whole warp calls it,
// converged (Note [Converged lines]).
__device__ __forceinline__ bool UnpackDispatchLine(const KernelCommon& c, char* local_base,
                                                   size_t row_bytes, int lines_per_row, int part,
                                                   int buffer, int local_expert, int source,
                                                   int slot, int line, uint64_t want, uint32_t salt,
                                                   uint64_t* high) {
  const A2aLlLayout& layout = c.layout;
  const uint64_t* at[1] = {
      line < lines_per_row
          ? reinterpret_cast<const uint64_t*>(
                local_base + layout.DispatchLine(buffer, local_expert, source, slot, line)) +
                2 * part
          : nullptr};
  uint64_t low[1] = {0}, lane_high[1] = {0};
  if (!AwaitLineParts(
          c, at, want, [&](int) { return source; }, [](int) -> const uint64_t* { return nullptr; },
          [] { return ~0u; }, salt, low, lane_high) ||
      at[0] == nullptr) {
    return false;
  }
  StoreRowPart(local_base + layout.RecvRow(local_expert, source, slot), row_bytes, line, part,
               low[0], lane_high[0]);
  *high = lane_high[0];
  return true;
}

// Adds the weighted bf16 values of one line part (four in `low`, four in `high`) to sum[8].
__device__ __forceinline__ void AddWeighted(uint64_t low, uint64_t high, float weight, float* sum) {
  const uint64_t words[2] = {low, high};
#pragma unroll
  for (int w = 0; w < 2; ++w) {
    const __nv_bfloat162* pairs = reinterpret_cast<const __nv_bfloat162*>(&words[w]);
#pragma unroll
    for (int j = 0; j < 2; ++j) {
      const float2 f = __bfloat1622float2(pairs[j]);
      sum[4 * w + 2 * j] = fmaf(weight, f.x, sum[4 * w + 2 * j]);
      sum[4 * w + 2 * j + 1] = fmaf(weight, f.y, sum[4 * w + 2 * j + 1]);
    }
  }
}

// The same for the eight bf16 values of a 16-byte word.
__device__ __forceinline__ void AddWeighted(const uint4& value, float weight, float* sum) {
  AddWeighted(static_cast<uint64_t>(value.y) << 32 | value.x,
              static_cast<uint64_t>(value.w) << 32 | value.z, weight, sum);
}

// sum[8] rounded to bf16, as one 16-byte word.
__device__ __forceinline__ uint4 PackBf16(const float* sum) {
  uint4 packed;
  __nv_bfloat162* pairs = reinterpret_cast<__nv_bfloat162*>(&packed);
#pragma unroll
  for (int j = 0; j < 4; ++j)
    pairs[j] = __floats2bfloat162_rn(sum[2 * j], sum[2 * j + 1]);
  return packed;
}

// Note [The slot table of lines]
// A source that sends lines, or spreads its rows (a2a_ll.h Note [Dispatch]), numbers its pairs'
// slots in token order, as the rest of the row path does: a pair's slot is the number of earlier
// tokens that picked its expert. Every block computes the table for at most line_rows tokens (or
// kA2aLlMaxSpreadRows, a 32-bit word of tokens per 32), one (token, k) per thread, top_k rounded up
// to a power of two lanes per token so that a token's pairs share a warp (64 tokens a pass at top_k
// 5-8, 32 at 9-16). A pair is valid (Note [Invalid ids]) when its id is in range and no earlier
// lane of its token holds the same id (EarlierLaneHolds); each valid pair sets its token's bit in
// its expert's mask of tokens. After one barrier (after the last pass), a pair's slot is the
// popcount of its expert's mask below its token and an expert's row count the popcount of the whole
// mask, each computed where it is used. It replaced a table built per token (a 120-compare check of
// a token's ids on one thread, counts and bitmaps by shared atomics, a loop over earlier tokens per
// pair, three barriers); that alone changed nothing measurable at 1 row and took 0.1-0.25 us off
// at 8-32 rows (2 H200): its cost was the barriers, below. The repeated-id check compares each
// lane with the earlier lanes of its group by shuffles (7 for top-8). It was __match_any_sync,
// which PC sampling of the dispatch at 1 row found to be its hottest instruction outside the
// waits (short-scoreboard stalls, as many samples as the poll of the peers' words), 0.4-0.8 us
// of the table's time in timestamps. Between loopback ranks on one H200 the shuffles took 0.33-0.44
// us off 1-4 rows on 2 and 4 ranks (10.98 -> 10.61 us at 1 row on 2), 0.2 on 8; no rows alike,
// 8 rows (rows, not lines, on 16 SMs) within 0.2 either way (bench/results/2026-11-29-h200-stop22).
// FirstPairRow keeps __match_any_sync: no loopback case measures its path (rows once per rank).
// The masks are 32-bit words. With 64-bit ones (until stop 33), whose shared atomicOr sm_90 takes
// far longer than a 32-bit one's, every case over NVLink on 2 H200 took 0.08-0.45 us longer at
// 1-32 rows and 0.06-0.92 at 64-128 (bench/results/2026-11-29-h200-stop33, call 12: 8.06 -> 7.88
// us at 1 row on 32 SMs, 11.02 -> 10.74 at 8 rows on 128, 57.76 -> 56.92 at 128 rows); in the
// lines' floor with a table-shaped step (call 11) the 64-bit form cost 0.5-0.7 us more.
// Tried instead in the lines-only instance, over NVLink on 2 H200 (bench/results/
// 2026-11-30-h200-stop37), each slower in every case or all but one:
// - every warp holding the ids of its lanes' tokens and placing its own pairs by a ballot each,
//   its words and lines sent before the block's table (calls 2-4): 1.3-5 us slower, its first
//   sends 0.8-2.0 us later, for every warp repeated the whole routing (1,160 more SASS
//   instructions, run by each of an SM's 16 warps);
// - the table built while thread 0's count loads, one barrier for both (call 7): 0.02-0.16 us
//   slower, since the table waits for the ids, whose loads take as long;
// - each warp's first unit of x loaded beside the ids (calls 8-10, as stop 21 did between
//   loopback ranks): 0.07-0.35 us slower, the table done 0.1-0.2 us later and the sends no
//   earlier.
// What stands between the table's barrier and a warp's first line store is issue: about 220
// instructions a warp (the unit's own about 115), run by all of an SM's warps at once, 0.3-0.8 us
// at 8 rows on 128 SMs (call 11). About 25 of them divided a row's bytes by the line's payload in
// 64 bits; A2aLlLayout::row_lines holds that quotient since stop 38: 0.03-0.22 us less at 32 and
// 64 SMs, within the rounds' spread at 128 (bench/results/2026-11-30-h200-stop38, call 1).
//
// Note [Stores after barriers]
// On H200 a __syncthreads that follows a global store of the block waits about one round trip to
// memory, as if for the store to be performed (bar.sync orders the memory accesses before it; a
// store to a peer's window waits for NVLink). Measured on 2 H200 at 1 row by running one phase
// twice in a launch (results unchanged) and taking the difference: the slot table's second pass,
// whose only global accesses were block 0's stores of valid_pairs, pair_routes and the list,
// before its barriers, cost 1.1-1.2 us; so did every other phase tried. So each kernel issues
// the stores that nothing in it waits for (its launch counter, the count for the combine, the
// table's outputs, recv_counts and the modes, the byte counters) after its last barrier before
// a wait or its end, and skips barriers that order nothing: the combine's prefix scan and its
// barrier before the flag when the flag's source takes lines (that flag orders no data), with the
// scan, when needed, before the block's first store. On 2 H200 (base: the table above): 12.03 ->
// 11.47 us at 1 row on 32 SMs, 12.40 -> 11.68 on 128, 13.67 -> 12.91 at 8 rows on 128, 15.85 ->
// 15.03 at 16, 5.86 -> 5.54 with no rows (bench/results/2026-11-28-h200x2-stop13).
// The dispatch's receive needs one barrier after its line stores (every warp unpacks by the
// counts the block's threads waited for), and in a block that sent lines that barrier waits for
// them to reach the peers. The line stores take the grid's warps from the first; the unpack takes
// them from the last, so at small counts it runs in blocks that sent nothing and pass the barrier
// as soon as the words are in. On 2 H200 (bench/results/2026-11-28-h200x4-stop14): 11.40 ->
// 10.27 us at 1 row on 32 SMs, 11.60 -> 10.53 on 128, 12.86 -> 12.57 at 8 rows on 128; on 4
// H200 11.62 -> 10.47 and 11.87 -> 10.73 at 1 row.
// A launch that spreads its rows (a2a_ll.h Note [Dispatch]) has a barrier after them, before each
// block's words: it waits for the rows, as the words' release must anyway, and also for the
// launch counter, the words to the owners and the table's outputs stored before it.
constexpr int kWordBits = 32;  // tokens per word of an expert's mask in the slot table
static_assert(kA2aLlMaxLineRows % kWordBits == 0 && kA2aLlMaxSpreadRows % kWordBits == 0,
              "a token's bit in the 32-bit masks of the slot table");
static_assert(kA2aLlMaxSpreadRows < kA2aLlSpreadBit, "an expert's spread rows below the mode bit");
static_assert(kA2aLlMaxExperts <= 32767, "the slot table's experts in int16_t");
static_assert(kA2aLlMaxTopK <= 16, "a token's pairs within half a warp, its mask in 16 bits");

// Note [Dispatch] and Note [Lines for small counts].
template <A2aLlSends kSends>
__global__ void __launch_bounds__(A2aLl::kThreadsPerBlock, 1)
    DispatchKernel(const DispatchParams p) {
  device_exchange::TouchParams(p);  // Note [Parameters before the wait]
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
  __shared__ uint32_t shared_epoch;
  __shared__ int shared_rows;
  __shared__ int shared_expired;
  // Lines out and rows spread (every block computes the same; Note [The slot table of lines]):
  // each (token, k)'s expert (-1: not sent), and the tokens that picked each expert (bit t % 32 of
  // word t / 32: token t). The lines-only instance's launches have at most line_rows rows.
  constexpr int kTokenWords = kSends == A2aLlSends::kLinesOneUnit ? kA2aLlMaxLineRows / kWordBits
                                                                  : kA2aLlMaxSpreadRows / kWordBits;
  __shared__ int16_t pair_expert[kA2aLlMaxSpreadRows * kA2aLlMaxTopK];
  __shared__ uint32_t expert_tokens[kTokenWords][kA2aLlMaxExperts];
  // Receive: rows coming as lines per (local expert, source), then their prefix; rows spread per
  // (local expert, source); each source's mode.
  __shared__ int lines_in[kA2aLlMaxExperts + 1];
  __shared__ int spread_in[kA2aLlMaxExperts];
  __shared__ int source_modes[kA2aLlMaxWorld];
  __shared__ int any_sends_once;  // a peer sends rows once per rank (Note [Rows once per rank])
  __shared__ int any_spreads;     // a rank spreads its rows (Note [Dispatch])
  __shared__ int own_listed;      // block 0's own pairs listed so far (Note [The combine's list of
                                  // lines to send])
  const KernelCommon& c = p.common;
  const A2aLlLayout& layout = c.layout;
  const int world = layout.shape.world;
  // Each thread's (token, k) of the slot table's first pass, and its id, loaded while thread 0
  // reads the count (unused when the launch takes the row path without spreading its rows).
  const int top_k = layout.shape.top_k;
  const int pair_lanes_log2 = top_k > 1 ? 32 - __clz(top_k - 1) : 0;
  const int pair_lanes = 1 << pair_lanes_log2;
  const int pair_token = threadIdx.x >> pair_lanes_log2;
  const int pair_k = threadIdx.x & (pair_lanes - 1);
  int32_t early_id = -1;
  const int table_rows =
      kSends == A2aLlSends::kLinesOneUnit ? layout.shape.line_rows : kA2aLlMaxSpreadRows;
  if (pair_token < min(p.rows, table_rows) && pair_k < top_k) {
    early_id = __ldg(p.topk_ids + pair_token * top_k + pair_k);
  }
  for (int i = threadIdx.x; i < layout.shape.num_experts; i += blockDim.x) {
#pragma unroll
    for (int w = 0; w < kTokenWords; ++w)
      expert_tokens[w][i] = 0;
  }
  if (threadIdx.x == 0) {
    // Both loads in flight at once; the stores come after the barriers (Note [Stores after
    // barriers]).
    const bool expired_now = DeadlineExpiredOnDevice(c.deadline);
    shared_rows = min(max(*p.num_rows, 0), p.rows);
    shared_expired = expired_now;
    shared_epoch = last_epoch + 1;
    any_sends_once = 0;
    any_spreads = 0;
    own_listed = 0;
  }
  __syncthreads();
  const uint32_t epoch = shared_epoch;
  const int buffer = epoch & 1;
  const int rows = shared_rows;
  const bool expired = shared_expired != 0;
  const bool lines_out =
      kSends == A2aLlSends::kLinesOneUnit || rows <= layout.shape.line_rows || rows == 0;
  // Note [Rows once per rank] and Note [Lines back].
  const bool once = kSends == A2aLlSends::kAny && !lines_out && rows > layout.shape.rank_dedup_rows;
  const bool lines_back = !once && rows <= layout.shape.return_line_rows;
  const bool spread = !lines_out && rows <= kA2aLlMaxSpreadRows;  // Note [Dispatch]
  const int lane = threadIdx.x % kWarpSize;
  const int line_group = lane / lines::kLanesPerLine;
  const int part = lane % lines::kLanesPerLine;
  const int warp_id = blockIdx.x * kWarpsPerBlock + threadIdx.x / kWarpSize;
  const int experts = layout.shape.num_experts;
  const int parts = layout.shape.dispatch_parts;
  const int words = layout.shape.hidden / 8;
  const int warps = gridDim.x * kWarpsPerBlock;
  const size_t row_bytes = layout.row_bytes();
  const int lines_per_row = layout.lines_per_row();
  const int line_groups = layout.line_groups();
  char* const local_base = c.peers[c.rank];
  unsigned long long peer_bytes = 0, self_bytes = 0;

  // Note [The slot table of lines]: blockDim.x / pair_lanes tokens per pass, (token, k) on lane k
  // of its group of pair_lanes lanes.
  const int tokens_per_pass = blockDim.x >> pair_lanes_log2;
  const int group_base = (threadIdx.x % kWarpSize) & ~(pair_lanes - 1);
  const uint32_t group_mask = ((1u << pair_lanes) - 1) << group_base;
  const bool table = (lines_out || spread) && !expired;
  unsigned long long invalid = 0;
  if (table) {
    for (int first = 0; first < rows; first += tokens_per_pass) {
      const int token = first + pair_token;
      const bool active = token < rows && pair_k < top_k;
      int32_t id = early_id;
      if (first > 0 && active) id = __ldg(p.topk_ids + token * top_k + pair_k);
      const bool in_range = active && id >= 0 && id < experts;
      // An id in range on an earlier lane of the token's group repeats this one. Computed on
      // every lane, outside the && below, which would skip the shuffles on lanes out of range.
      const bool repeat = EarlierLaneHolds(in_range ? id : -1 - static_cast<int>(threadIdx.x),
                                           pair_lanes, pair_lanes);
      const bool valid = in_range && !repeat;
      if (active) {
        pair_expert[token * top_k + pair_k] = static_cast<int16_t>(valid ? id : -1);
        if (valid) {
          atomicOr(&expert_tokens[token / kWordBits][id], 1u << (token % kWordBits));
        }
        invalid += valid ? 0 : 1;
      }
    }
    __syncthreads();
  }
  // A pair's slot: the tokens before it that picked its expert; an expert's rows.
  const auto slot_of = [&](int expert, int token) {
    const int word = token / kWordBits;
    int slot = __popc(expert_tokens[word][expert] & ((1u << (token % kWordBits)) - 1));
#pragma unroll
    for (int w = 0; w < kTokenWords; ++w)
      slot += w < word ? __popc(expert_tokens[w][expert]) : 0;
    return slot;
  };
  const auto rows_of = [&](int expert) {
    int count = 0;
#pragma unroll
    for (int w = 0; w < kTokenWords; ++w)
      count += __popc(expert_tokens[w][expert]);
    return count;
  };

  // Note [Stores after barriers]: this launch's stores that nothing in it waits for, after its
  // last barrier before the first wait (the barriers after that wait find them done).
  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 53u);
    p.epochs[blockIdx.x] = epoch;
    if (blockIdx.x == 0) *p.sent_rows = rows;
  }
  // Note [Rows once per rank]: the list the next launch fills, emptied (this one's was emptied
  // by the launch before, which the stream finished first).
  if (layout.shape.rank_dedup() && blockIdx.x == 0 && threadIdx.x < world)
    p.first_counts[(buffer ^ 1) * world + threadIdx.x] = 0;
  // Every peer's line_counts word of every expert it owns: this rank's mode and, for lines and
  // spread rows, its count (poison once expired).
  for (int expert = blockIdx.x * blockDim.x + threadIdx.x; expert < experts;
       expert += gridDim.x * blockDim.x) {
    const int owner = layout.OwnerOf(expert);
    if (owner == c.rank) continue;
    const uint64_t word =
        expired ? kA2aLlPoisonWord
        : lines_out
            ? FlagWord(epoch, c.layer, kA2aLlLineCountBit | rows_of(expert))
            : FlagWord(epoch, c.layer,
                       (lines_back ? kA2aLlLinesBackBit : 0) | (once ? kA2aLlSendsOnceBit : 0) |
                           (spread ? kA2aLlSpreadBit | rows_of(expert) : 0));
    StoreRelaxedSys(
        reinterpret_cast<uint64_t*>(c.peers[owner] +
                                    layout.LineCount(buffer, layout.LocalExpertOf(expert), c.rank)),
        word);
  }

  if (lines_out && !expired) {
    // Lines: (pair, four lines) per warp, kUnroll of them loaded before any is stored, from a
    // converged warp (Note [Converged lines]).
    __syncwarp();
    constexpr int kUnroll = kSends == A2aLlSends::kLinesOneUnit ? 1 : kLineUnroll;
    const int units = rows * top_k * line_groups;
    const char* x = reinterpret_cast<const char*>(p.x);
    for (int base = warp_id; base < units; base += warps * kUnroll) {
      uint64_t low[kUnroll], high[kUnroll];
#pragma unroll
      for (int u = 0; u < kUnroll; ++u) {
        const int unit = base + u * warps;
        const int pair = layout.line_groups_divisor.Quotient(unit);
        const int line = (unit - pair * line_groups) * lines::kLinesPerWarp + line_group;
        if (unit < units && pair_expert[pair] >= 0 && line < lines_per_row) {
          LoadRowPart(x + static_cast<size_t>(layout.top_k_divisor.Quotient(pair)) * row_bytes,
                      row_bytes, line, part, &low[u], &high[u]);
        }
      }
#pragma unroll
      for (int u = 0; u < kUnroll; ++u) {
        const int unit = base + u * warps;
        const int pair = layout.line_groups_divisor.Quotient(unit);
        const int line = (unit - pair * line_groups) * lines::kLinesPerWarp + line_group;
        if (unit >= units || pair_expert[pair] < 0 || line >= lines_per_row) continue;
        const int expert = pair_expert[pair];
        const int owner = layout.OwnerOf(expert);
        const int local_expert = layout.LocalExpertOf(expert);
        const int token = layout.top_k_divisor.Quotient(pair);
        const int slot = slot_of(expert, token);
        const int32_t origin = PackOrigin(token, pair - token * top_k);
        const bool first_part = line == 0 && part == 0;
        if (owner == c.rank) {
          // This rank's own experts: straight into recv_rows (nothing to wait for on this GPU).
          StoreRowPart(local_base + layout.RecvRow(local_expert, owner, slot), row_bytes, line,
                       part, low[u], high[u]);
          if (first_part) {
            *reinterpret_cast<int32_t*>(local_base + layout.RecvOrigin(local_expert, owner, slot)) =
                origin;
            self_bytes += row_bytes;
          }
        } else {
          if (part == lines::kTagLane) high[u] = FlagWord(epoch, c.layer, origin);
          Jitter(c.jitter_max_ns, unit * 977u + part);
          lines::StoreLinePart(
              reinterpret_cast<uint64_t*>(
                  c.peers[owner] + layout.DispatchLine(buffer, local_expert, c.rank, slot, line)) +
                  2 * part,
              low[u], high[u]);
          if (first_part) peer_bytes += row_bytes;
        }
      }
    }
  } else if (!lines_out) {
    // Note [Invalid ids]: which (token, k) pairs travel, for the combine's sum.
    unsigned long long invalid_pairs = 0;
    for (int token = blockIdx.x * blockDim.x + threadIdx.x; token < rows;
         token += gridDim.x * blockDim.x) {
      int32_t id[kA2aLlMaxTopK];
      LoadIds(p.topk_ids, top_k, token, id);
      const uint32_t mask = ValidPairs(id, top_k, experts);
      // Note [Rows once per rank]: a peer returns one partial sum per token, at its first pair.
      uint32_t summed = mask, partial = 0;
      if (once) {
        uint32_t reached = 0;
#pragma unroll
        for (int k = 0; k < kA2aLlMaxTopK; ++k) {
          const int owner = mask >> k & 1u ? layout.OwnerOf(id[k]) : c.rank;
          if (owner == c.rank) continue;
          if (reached >> owner & 1u) {
            summed &= ~(1u << k);
          } else {
            partial |= 1u << k;
          }
          reached |= 1u << owner;
        }
      }
      p.valid_pairs[token] = static_cast<uint16_t>(summed);
      p.partial_pairs[token] = static_cast<uint16_t>(partial);
      // For the line sum's waits that run long (Note [Lines back]): each pair's owner. Each id is
      // loaded again (a cache hit): indexing id[] here put it on the stack, and unrolling this
      // loop over id[] cost 0.1-0.25 us at 1-8 rows, where it does not even run.
      for (int k = 0; lines_back && k < top_k; ++k) {
        const int32_t expert = __ldg(p.topk_ids + static_cast<size_t>(token) * top_k + k);
        const int owner = mask >> k & 1u ? layout.OwnerOf(expert) : c.rank;
        p.pair_routes[token * top_k + k] = owner == c.rank ? 0 : -1 - owner;
      }
      invalid_pairs += top_k - __popc(mask);
    }
    AddCount(BlockCounters(c) + kInvalidPairs, invalid_pairs);

    // Rows spread (Note [Dispatch]): (pair, chunk) units over every warp of the grid, a warp of
    // each block before the next warp of any, so that consecutive units land on different SMs.
    const int chunk_words = (words + kSpreadChunks - 1) / kSpreadChunks;
    const int units = spread && !expired ? rows * top_k * kSpreadChunks : 0;
    for (int unit = (threadIdx.x / kWarpSize) * gridDim.x + blockIdx.x; unit < units;
         unit += warps) {
      const int pair = unit / kSpreadChunks;
      const int expert = pair_expert[pair];
      if (expert < 0) continue;
      const int chunk = unit - pair * kSpreadChunks;
      const int token = layout.top_k_divisor.Quotient(pair);
      const int owner = layout.OwnerOf(expert);
      const int local_expert = layout.LocalExpertOf(expert);
      const int slot = slot_of(expert, token);
      const int k = pair - token * top_k;
      const bool once_per_rank = once && owner != c.rank;
      // Note [Rows once per rank]: the token's first pair on the owner sends the row and records
      // the mask of its pairs there; a later one records the first one's row instead.
      int32_t copy_from = -1;
      if (once_per_rank) {
        const int lane_expert = lane < top_k ? pair_expert[token * top_k + lane] : -1;
        const uint32_t there =
            __ballot_sync(kFullMask, lane_expert >= 0 && layout.OwnerOf(lane_expert) == owner);
        const int first = __ffs(there) - 1;
        const int first_expert = pair_expert[token * top_k + first];
        copy_from =
            first == k
                ? -1 - static_cast<int32_t>(there)
                : static_cast<int32_t>(layout.RecvRowIndex(layout.LocalExpertOf(first_expert),
                                                           c.rank, slot_of(first_expert, token)));
      }
      const int first_word = min(words, chunk * chunk_words);
      const int chunk_end = min(words, first_word + chunk_words);
      char* owner_base = c.peers[owner];
      Jitter(c.jitter_max_ns, unit * 977u);
      if (copy_from < 0) {
        CopyRow(p.x + static_cast<size_t>(token) * words + first_word,
                reinterpret_cast<uint4*>(owner_base + layout.RecvRow(local_expert, c.rank, slot)) +
                    first_word,
                chunk_end - first_word, lane);
      }
      if (lane == 0) {
        if (copy_from < 0) {
          (owner == c.rank ? self_bytes : peer_bytes) +=
              static_cast<unsigned long long>(chunk_end - first_word) * 16;
        }
        if (chunk == 0) {
          *reinterpret_cast<int32_t*>(owner_base + layout.RecvOrigin(local_expert, c.rank, slot)) =
              PackOrigin(token, k);
          if (once_per_rank) {
            *reinterpret_cast<int32_t*>(owner_base + layout.RecvCopy(local_expert, c.rank, slot)) =
                copy_from;
            *reinterpret_cast<float*>(owner_base + layout.RecvWeight(local_expert, c.rank, slot)) =
                __ldg(p.weights + static_cast<size_t>(token) * top_k + k);
          }
        }
      }
    }
    if (spread) {
      // The block's rows (every warp's, ordered by the barrier; the release is cumulative) before
      // its word at every rank.
      __syncthreads();
      if (threadIdx.x < world) {
        Jitter(c.jitter_max_ns, blockIdx.x * 29u + threadIdx.x);
        StoreReleaseSys(reinterpret_cast<uint64_t*>(c.peers[threadIdx.x] +
                                                    layout.DispatchBlockFlag(c.rank, blockIdx.x)),
                        expired ? kA2aLlPoisonWord : FlagWord(epoch, c.layer, 0));
      }
    }
    // Otherwise one (expert, part) per warp at a time.
    for (int item = warp_id; !spread && item < experts * parts; item += warps) {
      const int expert = item % experts;
      const int part_index = item / experts;
      const int owner = layout.OwnerOf(expert);
      const int local_expert = layout.LocalExpertOf(expert);
      const bool once_per_rank = once && owner != c.rank;
      char* owner_base = c.peers[owner];
      uint64_t* flag = reinterpret_cast<uint64_t*>(
          owner_base + layout.DispatchFlag(local_expert, c.rank, part_index));
      if (expired) {
        if (lane == 0) StoreReleaseSys(flag, kA2aLlPoisonWord);
        continue;
      }
      int slot = 0, first_slot = 0;
      if (!once) {
        // Every row of the expert, this part's columns.
        slot = SendColumns(c, p.x, p.topk_ids, rows, expert, part_index, owner_base, item * 977u);
        const int first_word = min(words, part_index * layout.PartWords());
        const int part_words = min(words, first_word + layout.PartWords()) - first_word;
        const unsigned long long moved = static_cast<unsigned long long>(slot) * part_words * 16;
        if (lane == 0) (owner == c.rank ? self_bytes : peer_bytes) += moved;
      } else {
        // Rows once per rank: part `part_index` is the part-th of the tokens, whose rows' slots
        // follow the earlier parts' tokens': count them (a scan of ids only).
        const int begin = static_cast<int>(static_cast<int64_t>(rows) * part_index / parts);
        const int end = static_cast<int>(static_cast<int64_t>(rows) * (part_index + 1) / parts);
        for (int t0 = 0; t0 < begin; t0 += kWarpSize) {
          slot += __popc(__ballot_sync(
              kFullMask, FindExpert(p.topk_ids, top_k, t0 + lane, begin, expert) >= 0));
        }
        first_slot = slot;
        int sent = 0;
        for (int t0 = begin; t0 < end; t0 += kWarpSize) {
          const int hit = FindExpert(p.topk_ids, top_k, t0 + lane, end, expert);
          unsigned pending = __ballot_sync(kFullMask, hit >= 0);
          while (pending != 0) {
            const int source_lane = __ffs(pending) - 1;
            pending &= pending - 1;
            const int k = __shfl_sync(kFullMask, hit, source_lane);
            const int token = t0 + source_lane;
            const int32_t copy_from =
                once_per_rank ? FirstPairRow(layout, p.topk_ids, token, k, owner, c.rank, lane)
                              : -1;
            Jitter(c.jitter_max_ns, item * 977u + slot);
            if (copy_from < 0) {
              CopyRow(
                  p.x + static_cast<size_t>(token) * words,
                  reinterpret_cast<uint4*>(owner_base + layout.RecvRow(local_expert, c.rank, slot)),
                  words, lane);
              ++sent;
            }
            if (lane == 0) {
              *reinterpret_cast<int32_t*>(owner_base +
                                          layout.RecvOrigin(local_expert, c.rank, slot)) =
                  PackOrigin(token, k);
              if (once_per_rank) {
                *reinterpret_cast<int32_t*>(
                    owner_base + layout.RecvCopy(local_expert, c.rank, slot)) = copy_from;
                *reinterpret_cast<float*>(owner_base +
                                          layout.RecvWeight(local_expert, c.rank, slot)) =
                    __ldg(p.weights + static_cast<size_t>(token) * top_k + k);
              }
            }
            ++slot;
          }
        }
        const unsigned long long moved = static_cast<unsigned long long>(sent) * row_bytes;
        if (lane == 0) (owner == c.rank ? self_bytes : peer_bytes) += moved;
      }
      // The warp's stores happen before lane 0's release (bar.warp.sync orders them; the release
      // is cumulative), so a peer that acquires the word sees the rows and origins.
      __syncwarp();
      Jitter(c.jitter_max_ns, item * 131u + 7u);
      if (lane == 0) {
        if (slot != first_slot) {
          StoreReleaseSys(flag, FlagWord(epoch, c.layer, slot));
        } else {
          // Nothing of this warp's to order before the word (earlier parts' rows are ordered by
          // their own words, which the receiver also acquires): skip the system-scope fence.
          StoreRelaxedSys(flag, FlagWord(epoch, c.layer, slot));
        }
      }
    }
  }
  if (table && lines_out && blockIdx.x == 0) {
    // For the combine: which pairs travel, each one's owner, and the first entries of its list
    // (Note [The combine's list of lines to send]): this rank's own pairs for its own experts,
    // numbered a warp at a time. After block 0's line sends, not before its words to the peers,
    // which every peer's receive waits for: with the numbering's ballots, shared atomic and
    // shuffle there, block 0 took about 450 cycles longer from its table to its words (clock64,
    // 1 row). Between loopback ranks on one H200 (bench/results/2026-11-29-h200-stop25): 7.96 ->
    // 7.78 us at 1 row on 2 ranks at 32 SMs, 8.52 -> 8.33 at 2, 9.17 -> 8.99 at 1 row on 4;
    // 0.1-0.2 less at 0-8 rows on every set-up but 4 rows (0-0.1).
    for (int first = 0; first < rows; first += tokens_per_pass) {
      const int token = first + pair_token;
      const bool active = token < rows && pair_k < top_k;
      const int pair = token * top_k + pair_k;
      const int expert = active ? pair_expert[pair] : -1;
      const uint32_t sent = __ballot_sync(kFullMask, expert >= 0);
      const int owner = expert >= 0 ? layout.OwnerOf(expert) : -1;
      const uint32_t own = __ballot_sync(kFullMask, owner == c.rank);
      const int leader = own != 0 ? __ffs(own) - 1 : 0;
      int at = 0;
      if (own != 0 && lane == leader) at = atomicAdd(&own_listed, __popc(own));
      at = __shfl_sync(kFullMask, at, leader) + __popc(own & ((1u << lane) - 1));
      if (!active) continue;
      if (pair_k == 0) {
        p.valid_pairs[token] = static_cast<uint16_t>((sent & group_mask) >> group_base);
      }
      if (expert >= 0) p.pair_routes[pair] = owner == c.rank ? 0 : -1 - owner;
      if (owner == c.rank && at < p.line_send_rows) {
        const int local_expert = layout.LocalExpertOf(expert);
        p.line_sends[at] = make_int4(
            static_cast<int>(epoch),
            static_cast<int>(layout.RecvRowIndex(local_expert, c.rank, slot_of(expert, token))),
            PackOrigin(token, pair_k), c.rank);
      }
    }
    AddCount(BlockCounters(c) + kInvalidPairs, invalid);
  }

  // Receive. Each source's mode, from its words (this rank's own from its own); the counts of
  // sources that send lines or spread their rows (a word that never came counts 0: the deadline
  // has expired).
  const uint64_t want = FlagTag(epoch, c.layer);
  const int local_experts = layout.local_experts;
  const int blocks_in = local_experts * world;  // (local expert, source), source fastest
  for (int i = threadIdx.x; i < blocks_in; i += blockDim.x) {
    const int local_expert = layout.world_divisor.Quotient(i);
    const int source = i - local_expert * world;
    bool lines = lines_out;
    bool back = lines_back;
    bool sends_once = once;
    bool spreads = spread;
    int count = table ? rows_of(c.rank * local_experts + local_expert) : 0;
    if (source != c.rank) {
      uint64_t word = 0;
      const bool arrived =
          WaitForWord(c,
                      reinterpret_cast<const uint64_t*>(
                          local_base + layout.LineCount(buffer, local_expert, source)),
                      want, source, i, &word);
      lines = !arrived || (FlagWordCount(word) & kA2aLlLineCountBit) != 0;
      back = lines || (FlagWordCount(word) & kA2aLlLinesBackBit) != 0;
      sends_once = !lines && (FlagWordCount(word) & kA2aLlSendsOnceBit) != 0;
      if (sends_once) any_sends_once = 1;
      spreads = !lines && (FlagWordCount(word) & kA2aLlSpreadBit) != 0;
      count = !arrived  ? 0
              : lines   ? FlagWordCount(word) & (kA2aLlLineCountBit - 1)
              : spreads ? FlagWordCount(word) & (kA2aLlSpreadBit - 1)
                        : 0;
    }
    if (local_expert == 0) {
      source_modes[source] = (lines ? kSendsLines : 0) | (back ? kTakesLinesBack : 0) |
                             (sends_once ? kSendsOnce : 0) | (spreads ? kSpreadsRows : 0);
    }
    lines_in[i] = !lines ? 0 : source != c.rank ? count : count << kOwnListedShift;
    spread_in[i] = spreads ? count : 0;
    if (spreads) any_spreads = 1;
  }
  __syncthreads();

  // Sources that send rows: every (local expert, source, part) word addressed to this rank.
  const int wait_words = local_experts * world * parts;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < wait_words; i += gridDim.x * blockDim.x) {
    const int block_in = layout.dispatch_parts_divisor.Quotient(i);  // (local expert, source)
    const int part_index = i - block_in * parts;
    const int local_expert = layout.world_divisor.Quotient(block_in);
    const int source = block_in - local_expert * world;
    if (source_modes[source] & (kSendsLines | kSpreadsRows)) continue;
    const uint64_t* flag = reinterpret_cast<const uint64_t*>(
        local_base + layout.DispatchFlag(local_expert, source, part_index));
    uint64_t word = 0;
    const bool arrived = WaitForWord(c, flag, want, source, i, &word);
    if (part_index == parts - 1) {
      p.recv_counts[local_expert * world + source] = arrived ? FlagWordCount(word) : 0;
    }
  }
  // Sources that spread their rows: every block's word addressed to this rank (the sources' grids
  // are this one's: Note [Same options everywhere]).
  for (int i = blockIdx.x * blockDim.x + threadIdx.x;
       any_spreads && i < world * static_cast<int>(gridDim.x); i += gridDim.x * blockDim.x) {
    const int source = i / gridDim.x;
    if (!(source_modes[source] & kSpreadsRows)) continue;
    uint64_t word = 0;
    WaitForWord(c,
                reinterpret_cast<const uint64_t*>(
                    local_base + layout.DispatchBlockFlag(source, i - source * gridDim.x)),
                want, source, i, &word);
  }

  // Sources that send lines: (row, four lines) per warp, unpacked into recv_rows, and listed after
  // this rank's own pairs (Note [The list's two counts]).
  BlockExclusiveScan(lines_in, blocks_in);
  constexpr int kRowsMask = (1 << kOwnListedShift) - 1;
  const int rows_in = lines_in[blocks_in] & kRowsMask;
  const int own_listed_rows = lines_in[blocks_in] >> kOwnListedShift;
  if (blockIdx.x == 0) {
    // After the last barrier (Note [Stores after barriers]): each source's mode, the counts of
    // the sources that send lines (recv_counts is [local expert][source], as lines_in), and the
    // list's count.
    for (int i = threadIdx.x; i < blocks_in; i += blockDim.x) {
      const int local_expert = layout.world_divisor.Quotient(i);
      const int source = i - local_expert * world;
      if (source_modes[source] & kSpreadsRows) p.recv_counts[i] = spread_in[i];
      if (!(source_modes[source] & kSendsLines)) continue;
      const int both = lines_in[i + 1] - lines_in[i];
      p.recv_counts[i] = source != c.rank ? both & kRowsMask : both >> kOwnListedShift;
    }
    if (threadIdx.x < world) p.line_modes[threadIdx.x] = source_modes[threadIdx.x];
    if (threadIdx.x == 0) *p.line_send_count = min(own_listed_rows + rows_in, p.line_send_rows);
  }
  // From the grid's last warp down (Note [Stores after barriers]), converged (Note [Converged
  // lines]).
  const int units = rows_in * line_groups;
  __syncwarp();
  for (int unit = warps - 1 - warp_id; unit < units; unit += warps) {
    const int row = layout.line_groups_divisor.Quotient(unit);
    const int line = (unit - row * line_groups) * lines::kLinesPerWarp + line_group;
    const int i = FindSegmentInWarp(lines_in, blocks_in, row, kRowsMask);
    const int slot = row - (lines_in[i] & kRowsMask);
    const int local_expert = layout.world_divisor.Quotient(i);
    const int source = i - local_expert * world;
    uint64_t high = 0;
    if (!UnpackDispatchLine(c, local_base, row_bytes, lines_per_row, part, buffer, local_expert,
                            source, slot, line, want, unit, &high)) {
      continue;
    }
    if (line == 0 && part == lines::kTagLane) {
      const int32_t origin = FlagWordCount(high);
      *reinterpret_cast<int32_t*>(local_base + layout.RecvOrigin(local_expert, source, slot)) =
          origin;
      const int at = own_listed_rows + row;
      if (at < p.line_send_rows) {
        p.line_sends[at] = make_int4(
            static_cast<int>(epoch),
            static_cast<int>(layout.RecvRowIndex(local_expert, source, slot)), origin, source);
      }
    }
  }

  // Note [Rows once per rank]: the rows that sources sent once for several of this rank's
  // experts, copied from the first one's place, where the combine finds them (members);
  // (local expert, source, part) per warp, its slots between the part's word and the one before.
  // Skipped when no peer sent once: walking the items to skip each cost 0.4-0.7 us at 1-8 rows
  // (bench/results/2026-11-28-h200x4-stop18, folder 18).
  unsigned long long copied_bytes = 0;
  for (int item = warp_id; any_sends_once && !expired && item < wait_words; item += warps) {
    const int block_in = layout.dispatch_parts_divisor.Quotient(item);  // (local expert, source)
    const int part_index = item - block_in * parts;
    const int local_expert = layout.world_divisor.Quotient(block_in);
    const int source = block_in - local_expert * world;
    if (source == c.rank || !(source_modes[source] & kSendsOnce)) continue;
    // A source that spread its rows: the part-th of the slots, after every block's word (a row's
    // first pair may have come from any block). Otherwise the slots between the part's word and
    // the one before.
    const bool spreads = (source_modes[source] & kSpreadsRows) != 0;
    uint64_t word = 0;
    bool arrived = true;
    if (spreads) {
      for (int b = lane; b < static_cast<int>(gridDim.x); b += kWarpSize) {
        arrived &= WaitForWord(
            c, reinterpret_cast<const uint64_t*>(local_base + layout.DispatchBlockFlag(source, b)),
            want, source, item, &word);
      }
    } else if (lane < 2 && (lane == 0 || part_index > 0)) {
      arrived = WaitForWord(
          c,
          reinterpret_cast<const uint64_t*>(
              local_base + layout.DispatchFlag(local_expert, source, part_index - lane)),
          want, source, item, &word);
    }
    if (__any_sync(kFullMask, !arrived)) continue;
    __syncwarp();  // orders the lanes' loads after the waits' acquires
    const int spread_count = spread_in[block_in];
    const int end = spreads ? spread_count * (part_index + 1) / parts
                            : FlagWordCount(__shfl_sync(kFullMask, word, 0));
    const int begin = spreads          ? spread_count * part_index / parts
                      : part_index > 0 ? FlagWordCount(__shfl_sync(kFullMask, word, 1))
                                       : 0;
    // The slots' entries one per lane, then the rows to copy one after another.
    for (int base = begin; base < end && arrived; base += kWarpSize) {
      int32_t lane_from = 0, lane_origin = 0;
      if (base + lane < end) {
        lane_from = __ldcg(reinterpret_cast<const int32_t*>(
            local_base + layout.RecvCopy(local_expert, source, base + lane)));
        lane_origin = __ldcg(reinterpret_cast<const int32_t*>(
            local_base + layout.RecvOrigin(local_expert, source, base + lane)));
      }
      // First pairs' rows, for the combine's partial sums: at most one per token of the source.
      const uint32_t firsts = __ballot_sync(kFullMask, base + lane < end && lane_from < 0);
      if (firsts != 0) {
        int at = 0;
        if (lane == 0) at = atomicAdd(p.first_counts + buffer * world + source, __popc(firsts));
        at = __shfl_sync(kFullMask, at, 0) + __popc(firsts & ((1u << lane) - 1));
        if (firsts >> lane & 1u) {
          p.first_rows[static_cast<size_t>(source) * layout.shape.capacity + at] =
              make_int4(static_cast<int>(layout.RecvRowIndex(local_expert, source, base + lane)),
                        lane_from, lane_origin, 0);
        }
      }
      if (base + lane >= end) lane_from = -1;
      for (uint32_t copies = __ballot_sync(kFullMask, lane_from >= 0); copies != 0;
           copies &= copies - 1) {
        const int j = __ffs(copies) - 1;
        const int32_t from = __shfl_sync(kFullMask, lane_from, j);
        const int32_t origin = __shfl_sync(kFullMask, lane_origin, j);
        const int slot = base + j;
        // The row at `from` is the same token's, so of the same part, and ordered by that part's
        // word of its expert (or by the blocks' words already waited for).
        const int from_expert =
            static_cast<int>(from / (static_cast<size_t>(world) * layout.shape.capacity));
        arrived =
            lane != 0 || spreads ||
            WaitForWord(c,
                        reinterpret_cast<const uint64_t*>(
                            local_base + layout.DispatchFlag(from_expert, source, part_index)),
                        want, source, item, &word);
        if (__any_sync(kFullMask, !arrived)) {
          arrived = false;
          break;
        }
        __syncwarp();
        Jitter(c.jitter_max_ns, item * 389u + slot);
        CopyRow<true>(
            reinterpret_cast<const uint4*>(local_base + layout.recv_rows_offset +
                                           static_cast<size_t>(from) * row_bytes),
            reinterpret_cast<uint4*>(local_base + layout.RecvRow(local_expert, source, slot)),
            words, lane);
        if (lane == 0) {
          p.members[static_cast<size_t>(from) * top_k + OriginK(origin)] =
              static_cast<int32_t>(layout.RecvRowIndex(local_expert, source, slot));
        }
        copied_bytes += row_bytes;
      }
    }
  }
  if (lane == 0) AddCount(BlockCounters(c) + kDispatchCopied, copied_bytes);
  AddCount(BlockCounters(c) + kDispatchPeer, peer_bytes);
  AddCount(BlockCounters(c) + kDispatchSelf, self_bytes);
  if (blockIdx.x == 0 && threadIdx.x == 0) {
    AddCount(BlockCounters(c) + (lines_out    ? kLinesDispatches
                                 : once       ? kRowsOnceDispatches
                                 : lines_back ? kLinesBackDispatches
                                              : kRowsDispatches),
             1);
    if (spread) AddCount(BlockCounters(c) + kSpreadDispatches, 1);
  }
}

// Note [The line sum's width]
// The combine's line sum (a2a_ll.h Note [Lines back]) takes a (token, four lines) unit per warp:
// each lane group of eight awaits one line of every pair, up to kLineSumLoads (8) loads a lane at
// once. The instance launched with kNarrowSum takes a (token, line) unit per warp instead: lane
// group g awaits the line of pairs g and g + 4, two loads a lane, on up to four times the warps.
// Its groups then leave the parts and weights in shared memory, and each lane adds one 32-bit word
// of its part over the pairs in k order, so that the sum is the wide sum's and the row path's, bit
// for bit (Note [Lines for small counts]). Combine launches it for top_k <= kNarrowSumMaxTopK when
// the launch's rows (the bound of the count the kernel reads) times the lines of a row fit the
// grid's warps, so that every unit has a warp of its own; past that, each warp would take several
// units in turn. In the lines' floor a warp's wide wait cost 0.5 us at 8 rows and 1.5-2 at 1 row
// over one line a warp (Note [The lines' floor]).
// Over NVLink on 2 H200, medians of three rounds against the wide sum alone (5e4ee12;
// bench/results/2026-11-29-h200-stop35, call 7): 0.32-0.41 us less at 1 row (7.89 -> 7.51 on 32
// SMs), 0.29-0.39 at 2 rows, 0.19-0.38 at 4, 0.28-0.36 at 8 rows on 64 and 128 SMs (10.74 ->
// 10.46 on 128), 0.32 at 16 rows on 128; the cases that launch the wide instance within 0.05.
// Deciding a long wait on every line's late parts (AwaitLineParts; before, lane 0 decided on its
// own line's, which here holds two of the eight pairs) moved 1-8 rows by -0.18 to +0.18 us (call
// 10: 1 row on 32 SMs 7.51 -> 7.69, on 128 8.31 -> 8.13; 8 rows on 128 10.41 -> 10.49).
// Tried on the way (calls 1-6; stop 34, call 12):
// - The groups' sums added by two butterfly shuffles: as fast, but out of k order.
// - Every lane taking each pair's part and weight from its group by shuffles (five a pair): no
//   gain (1 row 7.90 -> 7.99 on 32 SMs, 8 rows 10.76 -> 10.74).
// - Shared memory sized for kA2aLlMaxTopK (16) pairs: up to 0.3 us less at 4-8 rows, up to 0.1
//   more at 1-4 rows on 32 SMs; with its loads inside the adding loop (the compiler serializes
//   them), 0.2-0.4 more than the wide sum at 1-2 rows; the loop cut at top_k, 0.15 more than
//   without the cut.
// One line a warp in every launch (stop 34, call 10) was slower where the units outnumber the
// warps: 8 rows on 32 SMs +1.14, 16 rows on 32-64 +0.58-2.35, 32 rows +0.66-4.4; the choice made
// in the kernel instead of by instance (call 11) gave up about half of the gain at 1-8 rows.
//
// The most pairs a token may have for the narrow instance (Note [The line sum's width]).
constexpr int kNarrowSumMaxTopK = 8;

// Note [Combine] and Note [Lines for small counts].
template <bool kNarrowSum>
__global__ void __launch_bounds__(A2aLl::kThreadsPerBlock, 1) CombineKernel(const CombineParams p) {
  device_exchange::TouchParams(p);  // Note [Parameters before the wait]
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
  __shared__ uint32_t shared_epoch;
  __shared__ int shared_rows;
  __shared__ int shared_expired;
  __shared__ int shared_all_arrived;
  __shared__ int prefix[kA2aLlMaxExperts + 1];
  __shared__ int source_modes[kA2aLlMaxWorld];
  const KernelCommon& c = p.common;
  const A2aLlLayout& layout = c.layout;
  const int world = layout.shape.world;
  const int local_experts = layout.local_experts;
  const int group_blocks = layout.shape.combine_group_blocks;
  const int group_block = layout.world_divisor.Quotient(blockIdx.x);
  const int peer = blockIdx.x - group_block * world;
  const int lane = threadIdx.x % kWarpSize;
  const int warp = threadIdx.x / kWarpSize;
  const int line_group = lane / lines::kLanesPerLine;
  const int part = lane % lines::kLanesPerLine;
  // Warp-major (warp w of every block before warp w + 1 of any): the units of lines, sent and
  // summed, spread over the SMs rather than filling the first blocks: at 1 row the line sum's 30
  // units were 16 and 14 polling warps on two SMs. 0.5-0.9 us off 1-4 rows between loopback ranks,
  // within 0.1 us at 0 and at 8-128 rows (bench/results/2026-11-29-h200-stop23).
  // Unlike the dispatch's (Note [Stores after barriers]), the combine's line stores are followed
  // by no barrier of the block when their peer takes lines.
  const int warp_id = warp * gridDim.x + blockIdx.x;
  const int warps = gridDim.x * kWarpsPerBlock;
  // The same within the peer's group, for its rows and partial sums: at 128 rows on 2 ranks and
  // 128 SMs, the 512 rows held for a peer went to the first 32 of its 64 blocks. Over NVLink on 2
  // H200, medians of three rounds (bench/results/2026-11-29-h200-stop30, call 3, against the
  // blocks filled in order): 1.0-1.1 us off 32 rows at 32 and 64 SMs (24.44 -> 23.35 at 32),
  // 0.6-1.4 off 128 rows (58.55 -> 57.92 at 128 SMs, one copy per pair), 0.2-1.4 off the default's
  // 64-128 rows at 32 and 64 SMs (36.41 -> 35.05 at 64 rows on 32 SMs), 1-8 rows 0.03-0.17 less.
  // Call 1 had 64 rows one copy per pair at 32 SMs 0.5 slower; call 3 had it 0.2 faster (41.16
  // -> 40.93).
  const int group_warp = warp * group_blocks + group_block;
  if (threadIdx.x == 0) {
    shared_epoch = last_epoch + 1;
    shared_rows = min(*p.sent_rows, p.rows);
    shared_expired = DeadlineExpiredOnDevice(c.deadline);
    shared_all_arrived = 1;
  }
  if (threadIdx.x < world) source_modes[threadIdx.x] = __ldcg(p.line_modes + threadIdx.x);
  // Rows held for `peer` by local experts 2t and 2t + 1 (thread t), scanned below into where each
  // expert's rows start when the peer sent rows. They load now and are used only then, so that
  // the lines' path never waits for them.
  const int first_held = 2 * threadIdx.x;
  const int held_first =
      first_held < local_experts ? __ldcg(p.recv_counts + first_held * world + peer) : 0;
  const int held_second =
      first_held + 1 < local_experts ? __ldcg(p.recv_counts + (first_held + 1) * world + peer) : 0;
  const int dispatch_epoch = static_cast<int>(__ldcg(p.dispatch_epochs));
  const int listed_rows = __ldcg(p.line_send_count);
  const int lines_per_row = layout.lines_per_row();
  const int line_groups = layout.line_groups();
  // The entries of the list (Note [The combine's list of lines to send]) for the kLineUnroll
  // units from `base`; the first ones load while the counts do. An entry counts when its row is
  // below the list's count and its tag is the dispatch's counter.
  int4 entry[kLineUnroll];
  const auto load_entries = [&](int base) {
#pragma unroll
    for (int u = 0; u < kLineUnroll; ++u) {
      const int row = layout.line_groups_divisor.Quotient(base + u * warps);
      entry[u] = row < p.line_send_rows ? __ldcg(p.line_sends + row) : make_int4(0, 0, 0, 0);
    }
  };
  const auto listed = [&](int base, int u) {
    return layout.line_groups_divisor.Quotient(base + u * warps) < listed_rows &&
           entry[u].x == dispatch_epoch;
  };
  load_entries(warp_id);
  __syncthreads();
  const uint32_t epoch = shared_epoch;
  const int buffer = epoch & 1;
  const bool expired = shared_expired != 0;
  const int words = layout.shape.hidden / 8;
  const size_t row_bytes = layout.row_bytes();
  const int top_k = layout.shape.top_k;
  const bool peer_sends_lines = (source_modes[peer] & kSendsLines) != 0;
  const bool peer_takes_lines = (source_modes[peer] & kTakesLinesBack) != 0;
  bool any_sends_lines = false;
  for (int source = 0; source < world; ++source)
    any_sends_lines |= (source_modes[source] & kSendsLines) != 0;
  char* peer_window = c.peers[peer];
  const char* local_base = c.peers[c.rank];
  const char* expert_out = reinterpret_cast<const char*>(p.expert_out);
  // The row path's prefix, before any store (Note [Stores after barriers]); a block whose peer
  // sent lines has no row to place.
  if (!peer_sends_lines) BlockExclusiveScan(prefix, local_experts, held_first, held_second);
  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 53u);
    p.epochs[blockIdx.x] = epoch;
  }
  unsigned long long moved_lines = 0, moved_self_lines = 0, moved_rows = 0;

  // Lines to every source that takes them, this rank included, from the dispatch's list (Note
  // [The combine's list of lines to send]): (row, four lines) per warp over the whole grid, up to
  // the list's count. Skipped when no rank sends lines, so that the row path waits on no entry it
  // loaded. From a converged warp (Note [Converged lines]).
  __syncwarp();
  for (int base = warp_id; any_sends_lines && !expired && listed(base, 0);) {
    uint64_t low[kLineUnroll], high[kLineUnroll];
#pragma unroll
    for (int u = 0; u < kLineUnroll; ++u) {
      const int line =
          layout.line_groups_divisor.Remainder(base + u * warps) * lines::kLinesPerWarp +
          line_group;
      if (listed(base, u) && line < lines_per_row) {
        LoadRowPart(expert_out + static_cast<size_t>(entry[u].y) * row_bytes, row_bytes, line, part,
                    &low[u], &high[u]);
      }
    }
#pragma unroll
    for (int u = 0; u < kLineUnroll; ++u) {
      const int unit = base + u * warps;
      const int line =
          layout.line_groups_divisor.Remainder(unit) * lines::kLinesPerWarp + line_group;
      if (!listed(base, u) || line >= lines_per_row) continue;
      const int32_t origin = entry[u].z;
      if (part == lines::kTagLane) high[u] = FlagWord(epoch, c.layer, 0);
      Jitter(c.jitter_max_ns, unit * 613u + part);
      lines::StoreLinePart(reinterpret_cast<uint64_t*>(
                               c.peers[entry[u].w] + layout.CombineLine(buffer, OriginToken(origin),
                                                                        OriginK(origin), line)) +
                               2 * part,
                           low[u], high[u]);
      if (line == 0 && part == 0)
        (entry[u].w == c.rank ? moved_self_lines : moved_lines) += row_bytes;
    }
    base += warps * kLineUnroll;
    // Past the count, out on the count alone: nvcc compiles the loop's test without a branch (the
    // entry's tag selected, then compared), so every warp waited a round trip for the next round's
    // entries even where none was listed. Between loopback ranks on one H200, 1-8 rows 0.1-0.25 us
    // less (9.21 -> 9.00 at 2 rows on 2 ranks at 16 SMs, 12.66 -> 12.42 at 8 on 32, 9.44 -> 9.24 at
    // 1 row on 4), 0 and 16 rows within 0.05 (bench/results/2026-11-29-h200-stop25).
    if (layout.line_groups_divisor.Quotient(base) >= listed_rows) break;
    load_entries(base);
  }

  // Note [Rows once per rank]: a peer that sent its rows once per rank gets, at each first pair's
  // (token, k), this rank's sum of that token's pairs by weight; (row, chunk of kPartialWords
  // words per lane) per warp over the group. A later pair's row is summed at its first pair's.
  // The dispatch listed the first pairs' rows (first_rows). Latency-bound: each unit's entry loads
  // a unit ahead, its members' places and weights one per lane, and the rows of kPartialMembers
  // members at once. Chunks of 6 words and 2 members, against 2 words and 4 members (12 loads at
  // once against 8, and a third of the units, each waiting for its entry, places and weights),
  // between loopback ranks on one H200: 54.57 / 82.85 / 106.53 -> 48.59 / 70.75 / 86.90 us at 64 /
  // 96 / 128 rows on 2 ranks at 16 SMs, 74.58 / 111.89 / 141.36 -> 62.55 / 90.35 / 112.58 on 4;
  // 0-8 rows 0-0.24 more (8 rows 17.00 -> 17.24 on 2 ranks, 18.54 -> 18.78 on 4; the code's
  // layout, as Note [Rows once per rank] in a2a_ll.h says) (bench/results/2026-11-29-h200-stop28,
  // call 10). 4 x 4 cost 0.2-0.3 at 1-8 rows; 2 x 8 spills (call 9). Leaving the partial sums out
  // altogether had taken 22 us off 128 rows on 2 ranks and 43 on 4 (call 6). A warp per first row
  // (members and weights loaded once, its chunks in turn) was slower at 96-128 rows: 83.02 -> 94.06
  // on 2 ranks (call 7).
  const bool partial_sums = peer != c.rank && (source_modes[peer] & kSendsOnce) != 0;
  const int chunks = (words + kWarpSize * kPartialWords - 1) / (kWarpSize * kPartialWords);
  const int first_count =
      partial_sums ? __ldcg(p.first_counts + (dispatch_epoch & 1) * world + peer) : 0;
  const int partial_units = expired || !partial_sums ? 0 : first_count * chunks;
  const float* recv_weights =
      reinterpret_cast<const float*>(local_base + layout.recv_weights_offset);
  const int4* first_rows = p.first_rows + static_cast<size_t>(peer) * layout.shape.capacity;
  int4 next =
      group_warp < partial_units ? __ldcg(first_rows + group_warp / chunks) : make_int4(0, 0, 0, 0);
  for (int unit = group_warp; unit < partial_units; unit += group_blocks * kWarpsPerBlock) {
    const int chunk = unit % chunks;
    const size_t held = static_cast<size_t>(next.x);
    const int32_t copy = next.y, origin = next.z;
    const int ahead = unit + group_blocks * kWarpsPerBlock;
    if (ahead < partial_units) next = __ldcg(first_rows + ahead / chunks);
    const uint32_t there = static_cast<uint32_t>(-1 - copy);
    int32_t member = -1;
    float member_weight = 0.0f;
    if (lane < top_k && (there >> lane & 1u)) {
      member = lane == OriginK(origin) ? static_cast<int32_t>(held)
                                       : __ldcg(p.members + held * top_k + lane);
      member_weight = __ldcg(recv_weights + member);
    }
    float sum[kPartialWords][8] = {};
    for (uint32_t left = there; left != 0;) {
      uint4 value[kPartialMembers][kPartialWords];
      float weight[kPartialMembers];
#pragma unroll
      for (int m = 0; m < kPartialMembers; ++m) {
        const int k = left != 0 ? __ffs(left) - 1 : 0;
        const size_t row = static_cast<size_t>(__shfl_sync(kFullMask, member, k));
        weight[m] = left != 0 ? __shfl_sync(kFullMask, member_weight, k) : 0.0f;
#pragma unroll
        for (int u = 0; u < kPartialWords; ++u) {
          const int i = (chunk * kPartialWords + u) * kWarpSize + lane;
          value[m][u] = left != 0 && i < words ? __ldg(p.expert_out + row * words + i)
                                               : make_uint4(0, 0, 0, 0);
        }
        left &= left - 1;
      }
#pragma unroll
      for (int m = 0; m < kPartialMembers; ++m) {
#pragma unroll
        for (int u = 0; u < kPartialWords; ++u)
          AddWeighted(value[m][u], weight[m], sum[u]);
      }
    }
    Jitter(c.jitter_max_ns, unit * 613u + peer);
    uint4* at = reinterpret_cast<uint4*>(peer_window +
                                         layout.CombineRow(OriginToken(origin), OriginK(origin)));
#pragma unroll
    for (int u = 0; u < kPartialWords; ++u) {
      const int i = (chunk * kPartialWords + u) * kWarpSize + lane;
      if (i < words) at[i] = PackBf16(sum[u]);
    }
    if (chunk == 0) moved_rows += row_bytes;
  }

  // The rows held for `peer` when it sent rows: this warp's share, one row at a time, as a row or,
  // when the peer takes lines back, as lines (Note [Lines back]; from a converged warp, Note
  // [Converged lines]).
  const int total = expired || peer_sends_lines || partial_sums ? 0 : prefix[local_experts];
  for (int row = group_warp; row < total; row += group_blocks * kWarpsPerBlock) {
    const int low = FindSegmentInWarp(prefix, local_experts, row);
    const int slot = row - prefix[low];
    const int32_t origin =
        __ldcg(reinterpret_cast<const int32_t*>(local_base + layout.RecvOrigin(low, peer, slot)));
    const size_t held = layout.RecvRowIndex(low, peer, slot);
    Jitter(c.jitter_max_ns, row * 613u + peer);
    moved_rows += row_bytes;
    if (!peer_takes_lines) {
      CopyRow(p.expert_out + held * words,
              reinterpret_cast<uint4*>(peer_window +
                                       layout.CombineRow(OriginToken(origin), OriginK(origin))),
              words, lane);
      continue;
    }
    __syncwarp();
    for (int group = 0; group < line_groups; group += kLineUnroll) {
      uint64_t low_part[kLineUnroll], high_part[kLineUnroll];
#pragma unroll
      for (int u = 0; u < kLineUnroll; ++u) {
        const int line = (group + u) * lines::kLinesPerWarp + line_group;
        if (line < lines_per_row) {
          LoadRowPart(expert_out + held * row_bytes, row_bytes, line, part, &low_part[u],
                      &high_part[u]);
        }
      }
#pragma unroll
      for (int u = 0; u < kLineUnroll; ++u) {
        const int line = (group + u) * lines::kLinesPerWarp + line_group;
        if (line >= lines_per_row) continue;
        if (part == lines::kTagLane) high_part[u] = FlagWord(epoch, c.layer, 0);
        Jitter(c.jitter_max_ns, (row * 131u + line) * 613u + part);
        lines::StoreLinePart(reinterpret_cast<uint64_t*>(
                                 peer_window + layout.CombineLine(buffer, OriginToken(origin),
                                                                  OriginK(origin), line)) +
                                 2 * part,
                             low_part[u], high_part[u]);
      }
    }
  }
  // Per-block completion: the block's rows (every warp's, ordered by the barrier and the fence)
  // before its own flag at the peer. A rank whose deadline expired sends poison instead. A peer
  // that takes lines waits for none of it: it gets the word without a barrier or a fence, for the
  // poison (a barrier here would wait for this block's lines to land: Note [Stores after
  // barriers]).
  if (!peer_takes_lines) __syncthreads();
  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 29u);
    uint64_t* flag =
        reinterpret_cast<uint64_t*>(peer_window + layout.CombineFlag(c.rank, group_block));
    const uint64_t word = expired || DeadlineExpiredOnDevice(c.deadline)
                              ? kA2aLlPoisonWord
                              : FlagWord(epoch, c.layer, 0);
    if (peer_takes_lines) {
      StoreRelaxedSys(flag, word);
    } else {
      __threadfence_system();
      StoreReleaseSys(flag, word);
    }
  }
  if (lane == 0) {
    AddCount(BlockCounters(c) + kCombinePeer, moved_lines);
    AddCount(BlockCounters(c) + kCombineSelf, moved_self_lines);
    AddCount(BlockCounters(c) + (peer == c.rank ? kCombineSelf : kCombinePeer), moved_rows);
  }
  const uint64_t want = FlagTag(epoch, c.layer);
  const int rows = shared_rows;

  if (source_modes[c.rank] & kTakesLinesBack) {
    // This rank's rows came back as lines, its own experts' too (Note [Own pairs as lines]):
    // (token, four lines) per warp, every pair's line awaited in k order and summed as below, or
    // (token, line) per warp in the narrow instance (Note [The line sum's width]). A
    // line's place is known without a load, so each round's lines load with its weights and the
    // mask of the pairs sent (which only says which lines to await): one round trip per round.
    // The units run from the grid's last warp back, as the dispatch's unpack does: at small
    // counts the warps that sent lines above (from the first) are not the ones that sum, which
    // start polling as soon as they pass the barrier. Between loopback ranks on one H200 at 1 row
    // (bench/results/2026-11-29-h200-stop24): 8.57 -> 8.39 us on 2 ranks at 16 SMs, 8.48 -> 7.68
    // at 32, 9.51 -> 9.13 on 4, 12.72 -> 11.97 on 8; within 0.25 us at 0 and 4-128 rows.
    // Rejected: a unit's pairs split over 2-8 warps of a block (as many as the grid's warps hold at
    // once), each awaiting its share, the partial sums added by the first through shared memory
    // after a named barrier. In the lines' floor narrower waits were faster (Note [The lines'
    // floor]); here every case over NVLink on 2 H200 was slower (against the wide sum alone), 1
    // row 7.89 -> 8.83 us on 32 SMs (8.36 with at most 2 warps), 8 rows 10.77 -> 11.32 on 128
    // (11.07), 16-32 rows 0.2-0.45 more, also where no unit was split and the change only added
    // code and shared memory (32 rows on 32 SMs: 22.89 -> 23.34)
    // (bench/results/2026-11-29-h200-stop34, call 8).
    char* out = reinterpret_cast<char*>(p.out);
    // Note [The line sum's width]: one line a warp in the instance launched when the grid's warps
    // hold every (token, line) at once.
    if constexpr (kNarrowSum) {
      // (token, line) per warp: lane group g (lanes 8g to 8g + 7) awaits the line of pairs g and
      // g + 4 at once and leaves its parts and weights in the warp's share of shared memory;
      // then lane (g, part) adds 32-bit word g of its part (two values) over the pairs by weight
      // in k order, as the wide sum and the row path do, so that the result is theirs bit for
      // bit, and stores that word. A part's words lie [word][pair], so that a lane reads its
      // word of every pair in two 16-byte loads (and the weights in two more), all issued before
      // the first add; its row is padded by 4 words, so that the warp's stores of one word fall in
      // 32 distinct banks.
      constexpr int kWordsPerPart = 16 / sizeof(uint32_t);
      static_assert(lines::kLinesPerWarp == kWordsPerPart, "lane group g adds word g of its part");
      static_assert(kNarrowSumMaxTopK % 4 == 0, "a part's words of every pair in 16-byte loads");
      constexpr int kGroupLoads = kNarrowSumMaxTopK / lines::kLinesPerWarp;
      constexpr int kPartWords = kWordsPerPart * kNarrowSumMaxTopK + 4;
      constexpr int kTagLaneWords = 2;  // the tag lane's payload: its low 8 bytes (lines.cuh)
      __shared__ __align__(16)
          uint32_t pair_words[kWarpsPerBlock][lines::kLanesPerLine * kPartWords];
      __shared__ __align__(16) float pair_weights[kWarpsPerBlock][kNarrowSumMaxTopK];
      const int units = rows * lines_per_row;
      __syncwarp();  // Note [Converged lines]
      for (int unit = warps - 1 - warp_id; unit < units; unit += warps) {
        const int token = unit / lines_per_row;
        const int line = unit - token * lines_per_row;
        const uint32_t valid = __ldcg(p.valid_pairs + token);
        float weight[kGroupLoads];
        const uint64_t* at[kGroupLoads];
        uint64_t low[kGroupLoads], high[kGroupLoads];
#pragma unroll
        for (int u = 0; u < kGroupLoads; ++u) {
          const int k = line_group + u * lines::kLinesPerWarp;
          weight[u] = k < top_k ? __ldg(p.weights + static_cast<size_t>(token) * top_k + k) : 0.0f;
          low[u] = high[u] = 0;
          at[u] = k < top_k ? reinterpret_cast<const uint64_t*>(
                                  local_base + layout.CombineLine(buffer, token, k, line)) +
                                  2 * part
                            : nullptr;
        }
        // As below: asked only when a wait runs long.
        const auto owner_of = [&](int u) {
          const int32_t route =
              __ldcg(p.pair_routes + token * top_k + line_group + u * lines::kLinesPerWarp);
          return route < 0 ? -1 - route : c.rank;
        };
        const auto poison_of = [&](int u) -> const uint64_t* {
          const int owner = owner_of(u);
          return owner != c.rank
                     ? reinterpret_cast<const uint64_t*>(local_base + layout.CombineFlag(owner, 0))
                     : nullptr;
        };
        const auto wanted = [&] {
          uint32_t mask = 0;
#pragma unroll
          for (int u = 0; u < kGroupLoads; ++u)
            mask |= (valid >> (line_group + u * lines::kLinesPerWarp) & 1u) << u;
          return mask;
        };
        const bool arrived =
            AwaitLineParts(c, at, want, owner_of, poison_of, wanted, unit, low, high);
        uint32_t* const part_words = &pair_words[warp][part * kPartWords];
#pragma unroll
        for (int u = 0; u < kGroupLoads; ++u) {
          const int k = line_group + u * lines::kLinesPerWarp;
          if (k >= top_k) break;
          part_words[k] = static_cast<uint32_t>(low[u]);
          part_words[kNarrowSumMaxTopK + k] = static_cast<uint32_t>(low[u] >> 32);
          part_words[2 * kNarrowSumMaxTopK + k] = static_cast<uint32_t>(high[u]);
          part_words[3 * kNarrowSumMaxTopK + k] = static_cast<uint32_t>(high[u] >> 32);
          if (part == 0) pair_weights[warp][k] = weight[u];
        }
        __syncwarp();
        // Pairs past top_k or not sent have no bit in `valid`: their words load but are not added.
        uint4 pair_word_quads[kNarrowSumMaxTopK / 4];
        float4 weight_quads[kNarrowSumMaxTopK / 4];
#pragma unroll
        for (int i = 0; i < kNarrowSumMaxTopK / 4; ++i) {
          pair_word_quads[i] =
              reinterpret_cast<const uint4*>(part_words + line_group * kNarrowSumMaxTopK)[i];
          weight_quads[i] = reinterpret_cast<const float4*>(pair_weights[warp])[i];
        }
        float sum[2] = {0, 0};
#pragma unroll
        for (int k = 0; k < kNarrowSumMaxTopK; ++k) {
          if (valid >> k & 1u) {
            const uint32_t word = reinterpret_cast<const uint32_t*>(pair_word_quads)[k];
            const float weight_k = reinterpret_cast<const float*>(weight_quads)[k];
            const float2 f = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(&word));
            sum[0] = fmaf(weight_k, f.x, sum[0]);
            sum[1] = fmaf(weight_k, f.y, sum[1]);
          }
        }
        __syncwarp();  // the warp's share is read before its next unit writes it
        // Word line_group of the part.
        const size_t at_word = static_cast<size_t>(line) * kA2aLlLinePayloadBytes + part * 16 +
                               line_group * sizeof(uint32_t);
        if (arrived && (part != lines::kTagLane || line_group < kTagLaneWords) &&
            at_word < row_bytes) {
          *reinterpret_cast<__nv_bfloat162*>(out + static_cast<size_t>(token) * row_bytes +
                                             at_word) = __floats2bfloat162_rn(sum[0], sum[1]);
        }
      }
    } else {
      const int units = rows * line_groups;
      __syncwarp();  // Note [Converged lines]
      for (int unit = warps - 1 - warp_id; unit < units; unit += warps) {
        const int token = layout.line_groups_divisor.Quotient(unit);
        const int line = (unit - token * line_groups) * lines::kLinesPerWarp + line_group;
        const bool has_line = line < lines_per_row;
        const uint32_t valid = __ldcg(p.valid_pairs + token);
        float sum[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        bool arrived = true;
        for (int k0 = 0; k0 < top_k && arrived; k0 += kLineSumLoads) {
          float weight[kLineSumLoads];
          const uint64_t* at[kLineSumLoads];
          uint64_t low[kLineSumLoads], high[kLineSumLoads];
#pragma unroll
          for (int u = 0; u < kLineSumLoads; ++u) {
            const int k = k0 + u;
            // Both in bounds for every k < top_k: token < rows <= return_line_rows.
            weight[u] =
                k < top_k ? __ldg(p.weights + static_cast<size_t>(token) * top_k + k) : 0.0f;
            low[u] = high[u] = 0;
            at[u] = k < top_k && has_line
                        ? reinterpret_cast<const uint64_t*>(
                              local_base + layout.CombineLine(buffer, token, k, line)) +
                              2 * part
                        : nullptr;
          }
          // Asked only when a wait runs long: the pair's owner (-1 - route for another rank's), and
          // that owner's first block's flag here, poisoned when it expired.
          const auto owner_of = [&](int u) {
            const int32_t route = __ldcg(p.pair_routes + token * top_k + k0 + u);
            return route < 0 ? -1 - route : c.rank;
          };
          const auto poison_of = [&](int u) -> const uint64_t* {
            const int owner = owner_of(u);
            return owner != c.rank ? reinterpret_cast<const uint64_t*>(local_base +
                                                                       layout.CombineFlag(owner, 0))
                                   : nullptr;
          };
          arrived = AwaitLineParts(
              c, at, want, owner_of, poison_of, [&] { return valid >> k0; }, unit, low, high);
#pragma unroll
          for (int u = 0; u < kLineSumLoads; ++u) {
            if (k0 + u < top_k && (valid >> (k0 + u) & 1u)) {
              AddWeighted(low[u], part == lines::kTagLane ? 0 : high[u], weight[u], sum);
            }
          }
        }
        if (!arrived || !has_line) continue;
        uint64_t packed[2];
        __nv_bfloat162* out_pairs = reinterpret_cast<__nv_bfloat162*>(packed);
#pragma unroll
        for (int j = 0; j < 4; ++j)
          out_pairs[j] = __floats2bfloat162_rn(sum[2 * j], sum[2 * j + 1]);
        StoreRowPart(out + static_cast<size_t>(token) * row_bytes, row_bytes, line, part, packed[0],
                     packed[1]);
      }
    }
    // Note [Buffer reuse across layers]: a source that sent rows wrote its dispatch flags (or its
    // blocks' words) at every peer, and its next dispatch overwrites them; a peer's first combine
    // flag says that peer's dispatch has read them, whether or not this rank sent it any pair.
    if (blockIdx.x == 0 && threadIdx.x < world && threadIdx.x != c.rank &&
        !(source_modes[c.rank] & kSendsLines)) {
      uint64_t word = 0;
      WaitForWord(
          c, reinterpret_cast<const uint64_t*>(local_base + layout.CombineFlag(threadIdx.x, 0)),
          want, threadIdx.x, threadIdx.x, &word);
    }
    return;
  }

  // Every block of every peer's group for this rank.
  if (threadIdx.x < world * group_blocks) {
    const int source = threadIdx.x / group_blocks;
    const uint64_t* flag = reinterpret_cast<const uint64_t*>(
        local_base + layout.CombineFlag(source, threadIdx.x % group_blocks));
    uint64_t word = 0;
    if (!WaitForWord(c, flag, want, source, threadIdx.x, &word)) shared_all_arrived = 0;
  }
  __syncthreads();
  if (!shared_all_arrived) return;

  // out[t] = sum_k w[t, k] * y[t, k] over the pairs that were sent, fp32 in k order.
  const size_t items = static_cast<size_t>(rows) * words;
  for (size_t item = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; item < items;
       item += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const int token = static_cast<int>(item / words);
    const int word = static_cast<int>(item % words);
    const float* weights = p.weights + static_cast<size_t>(token) * top_k;
    const uint32_t valid = p.valid_pairs[token];
    const uint32_t partial = p.partial_pairs[token];  // Note [Rows once per rank]: weight 1
    float sum[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int k0 = 0; k0 < top_k; k0 += kReduceLoads) {
      // Rows and weights of every pair loaded at once, the valid pairs' summed: a pair that was not
      // sent still has a slot in the window, so its (stale) load stays in bounds and goes unused.
      uint4 value[kReduceLoads];
      float weight[kReduceLoads];
#pragma unroll
      for (int u = 0; u < kReduceLoads; ++u) {
        if (k0 + u < top_k) {
          value[u] = __ldcg(
              reinterpret_cast<const uint4*>(local_base + layout.CombineRow(token, k0 + u)) + word);
          weight[u] = partial >> (k0 + u) & 1u ? 1.0f : __ldg(weights + k0 + u);
        }
      }
#pragma unroll
      for (int u = 0; u < kReduceLoads; ++u) {
        if (k0 + u < top_k && (valid >> (k0 + u) & 1u)) AddWeighted(value[u], weight[u], sum);
      }
    }
    p.out[static_cast<size_t>(token) * words + word] = PackBf16(sum);
  }
}

// LaunchEgressProbe: blocks split evenly over the peers; each stores its share of
// `words_per_peer` 16-byte words into its peer's recv_rows.
__global__ void __launch_bounds__(A2aLl::kThreadsPerBlock)
    EgressProbeKernel(ncclWindow_t window, size_t offset, int rank, int world,
                      const uint4* __restrict__ source, size_t words_per_peer) {
  const int peers = world - 1;
  const int slot = blockIdx.x % peers;
  const int peer = slot < rank ? slot : slot + 1;
  const size_t group_blocks = gridDim.x / peers;
  uint4* destination = static_cast<uint4*>(ncclGetPeerPointer(window, offset, peer));
  const size_t stride = group_blocks * blockDim.x;
  for (size_t base = (blockIdx.x / peers) * blockDim.x + threadIdx.x; base < words_per_peer;
       base += stride * kCopyUnroll) {
    uint4 value[kCopyUnroll];
#pragma unroll
    for (int u = 0; u < kCopyUnroll; ++u) {
      const size_t i = base + u * stride;
      if (i < words_per_peer) value[u] = __ldg(source + i);
    }
#pragma unroll
    for (int u = 0; u < kCopyUnroll; ++u) {
      const size_t i = base + u * stride;
      if (i < words_per_peer) destination[i] = value[u];
    }
  }
}

// Note [The lines' floor]
// What one leg of a2a_ll costs when nothing but its lines has to happen: each rank sends each peer
// rows_to[peer] rows as self-flagged lines (lines.cuh) from the grid's first warps, one (row, four
// lines) unit per warp at a time, and the grid's last warps await rows_from[source] rows from each
// peer and unpack them into recv_rows, as the dispatch's receive does. The counts come from the
// host, so there is no slot table, no count word, no scan and no search: two launches, one per leg
// (the dispatch's grid, then the combine's), are the floor of a dispatch + combine that moves those
// rows as lines between two kernels that each complete their leg. Row r of a source's rows lands at
// (local expert r / line_rows, slot r % line_rows) of that source's block, in dispatch_lines buffer
// `leg`; its payload is row r % x_rows of the sender's x. Where each leg 1 returns its leg 0's
// rows (rows_to of leg 1 = rows_from of leg 0, as in the benchmark), a rank's leg-0 lines at a peer
// are overwritten only by its next leg 0, which it starts after it has that peer's leg-1 lines,
// which the peer sends after its own leg 0 (and the same with the legs swapped), and each leg's
// tags carry its own launch counter, so no line is read stale or overwritten unread. With other
// counts the ranks must meet between legs: a rank that awaits nothing from a peer in a leg can run
// two legs ahead of it and overwrite lines it has not read, and its wait then expires (seen in
// LinesFloorDeliversEveryRowBitForBit before it met between legs: stop 36, call 4).
// What the floor leaves out, each added to it by a probe and measured over NVLink on 2 H200 (us
// per dispatch + combine, medians of three rounds; bench/results/2026-11-29-h200-stop34):
// - a rank's own pairs, as lines to itself both ways: nothing at 1 row, 8.64 -> 8.54 at 8 rows on
//   128 SMs (they add warps' work only where warps are short: +3.1 at 8 rows on 32 SMs);
// - a2a_ll's count words, their wait, the scan and the search in leg 0: 0.6-0.7 at 1 row, within
//   0.1 at 8 rows, where the lines land after them anyway;
// - leg 1 received as a2a_ll's line sum (a token's 8 lines awaited by one warp, weighted, one line
//   stored) in place of an unpack, own pairs included: +1.5-2.0 at 1 row and +0.5 at 8 rows
//   (8.65 -> 9.16 on 128 SMs) with the sums warp-major as a2a_ll's; +2.8 / +1.5 block-major.
//   Narrower waits on more warps were faster: split over eight warps of one line each (partial
//   sums left apart, so not a combine) the sum came within 0.1 of the unpack. In a2a_ll a split
//   over warps (shared memory and a named barrier per unit) was slower at every count (the
//   combine's line sum says by how much); within one warp it was faster (Note [The line sum's
//   width]).
// - its kernel is 696 SASS instructions, a2a_ll's lines-only dispatch 3,512 and its narrow combine
//   4,176: halving either (timing only, the row path's code left out) took up to 0.35 us off 1-16
//   rows at 32 and 64 SMs and at most 0.11 at 128 (bench/results/2026-11-30-h200-stop37, call 5);
// - its two legs share SMs (device_exchange.cuh Note [Launches overlap their predecessor's end]),
//   which a2a_ll's kernels cannot; that made no difference (same folder, call 1).
// With a2a_ll's table and list lookup (about 0.4 each at 8 rows, bench/results/
// 2026-11-29-h200-stop33), the floor with its own pairs and that line sum comes to an estimated 10
// us at 8 rows on 128 SMs, against a2a_ll's 10.8 then. One line a warp, still in k order, took
// a2a_ll to 10.46 (Note [The line sum's width]).
struct LinesFloorParams {
  KernelCommon common;
  const char* x;
  int x_rows;
  int leg;
  uint32_t* epochs;  // [gridDim.x]: the dispatch's counters for leg 0, the combine's for leg 1
  int rows_to[kA2aLlMaxWorld];
  int rows_from[kA2aLlMaxWorld];
};

// Row `row` of every rank's `rows` in rank order (self skipped, `row` below their sum): its rank
// and its row among that rank's.
__device__ __forceinline__ void FloorRow(const int (&rows)[kA2aLlMaxWorld], int world, int self,
                                         int row, int* rank, int* rank_row) {
  for (int r = 0; r < world; ++r) {
    const int count = r == self ? 0 : rows[r];
    if (row < count) {
      *rank = r;
      *rank_row = row;
      return;
    }
    row -= count;
  }
}

__global__ void __launch_bounds__(A2aLl::kThreadsPerBlock, 1)
    LinesFloorKernel(const LinesFloorParams p) {
  device_exchange::TouchParams(p);  // Note [Parameters before the wait]
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
  __shared__ uint32_t shared_epoch;
  if (threadIdx.x == 0) shared_epoch = last_epoch + 1;
  __syncthreads();
  const uint32_t epoch = shared_epoch;
  const KernelCommon& c = p.common;
  const A2aLlLayout& layout = c.layout;
  if (threadIdx.x == 0) p.epochs[blockIdx.x] = epoch;
  const int world = layout.shape.world;
  const int line_rows = layout.shape.line_rows;
  const int lane = threadIdx.x % kWarpSize;
  const int line_group = lane / lines::kLanesPerLine;
  const int part = lane % lines::kLanesPerLine;
  const int warp_id = blockIdx.x * kWarpsPerBlock + threadIdx.x / kWarpSize;
  const int warps = gridDim.x * kWarpsPerBlock;
  const size_t row_bytes = layout.row_bytes();
  const int lines_per_row = layout.lines_per_row();
  const int line_groups = layout.line_groups();
  char* const local_base = c.peers[c.rank];
  const uint64_t want = FlagTag(epoch, c.layer);
  int units_out = 0, units_in = 0;
  for (int r = 0; r < world; ++r) {
    units_out += r == c.rank ? 0 : p.rows_to[r] * line_groups;
    units_in += r == c.rank ? 0 : p.rows_from[r] * line_groups;
  }

  __syncwarp();  // Note [Converged lines]
  for (int unit = warp_id; unit < units_out; unit += warps) {
    const int row = layout.line_groups_divisor.Quotient(unit);
    const int line = (unit - row * line_groups) * lines::kLinesPerWarp + line_group;
    int peer = 0, peer_row = 0;
    FloorRow(p.rows_to, world, c.rank, row, &peer, &peer_row);
    uint64_t low = 0, high = 0;
    if (line < lines_per_row) {
      LoadRowPart(p.x + static_cast<size_t>(peer_row % p.x_rows) * row_bytes, row_bytes, line, part,
                  &low, &high);
      if (part == lines::kTagLane) high = FlagWord(epoch, c.layer, peer_row);
      lines::StoreLinePart(
          reinterpret_cast<uint64_t*>(c.peers[peer] +
                                      layout.DispatchLine(p.leg, peer_row / line_rows, c.rank,
                                                          peer_row % line_rows, line)) +
              2 * part,
          low, high);
    }
  }

  __syncwarp();
  for (int unit = warps - 1 - warp_id; unit < units_in; unit += warps) {
    const int row = layout.line_groups_divisor.Quotient(unit);
    const int line = (unit - row * line_groups) * lines::kLinesPerWarp + line_group;
    int source = 0, source_row = 0;
    FloorRow(p.rows_from, world, c.rank, row, &source, &source_row);
    uint64_t high = 0;
    UnpackDispatchLine(c, local_base, row_bytes, lines_per_row, part, p.leg, source_row / line_rows,
                       source, source_row % line_rows, line, want, unit, &high);
  }
}

absl::Status Invalid(const char* field, int64_t value, const std::string& limit) {
  return absl::InvalidArgumentError(
      fmt::format("a2a_ll: {} = {} is out of range: {}", field, value, limit));
}

}  // namespace

struct A2aLl::State {
  int rank = 0;
  A2aLlLayout layout;
  A2aLlOptions options;
  int dispatch_blocks = 0;
  int combine_blocks = 0;
  SymmetricWindow window;
  DeviceBuffer dispatch_epochs;
  DeviceBuffer combine_epochs;
  DeviceBuffer recv_counts;
  DeviceBuffer sent_rows;
  DeviceBuffer valid_pairs;
  DeviceBuffer line_modes;
  DeviceBuffer pair_routes;
  DeviceBuffer line_sends;
  DeviceBuffer line_send_count;
  int line_send_rows = 0;
  DeviceBuffer partial_pairs;
  DeviceBuffer members;
  DeviceBuffer first_rows;
  DeviceBuffer first_counts;
  DeviceBuffer counters;

  absl::Status SetUp(int world, int ranks_per_gpu);
};

namespace {

// The checks Dispatch and Combine share, naming the field and the limit. (Templates: State is
// A2aLl's private type, deduced here rather than named.)
template <typename State>
absl::Status CheckLaunch(const State& s, int rows, int layer, const DeadlineView& deadline) {
  if (deadline.record == nullptr || deadline.device_expired == nullptr || deadline.budget_ns == 0) {
    return absl::InvalidArgumentError(
        "a2a_ll: args.deadline must be a view of a created Deadline (rule 3: every device wait is "
        "bounded)");
  }
  if (rows < 0 || rows > s.layout.shape.capacity) {
    return Invalid("rows", rows,
                   fmt::format("must be in [0, capacity ({})]", s.layout.shape.capacity));
  }
  if (layer < 0 || layer > kA2aLlMaxLayer) {
    return Invalid("layer", layer, fmt::format("must be in [0, {}]", kA2aLlMaxLayer));
  }
  return absl::OkStatus();
}

template <typename State>
KernelCommon CommonFor(const State& s, int layer, const DeadlineView& deadline) {
  KernelCommon common;
  common.layout = s.layout;
  common.deadline = deadline;
  common.counters = s.counters.template data<unsigned long long>();
  const SymmetricWindow::PeerBases& peers = s.window.peer_bases();
  std::copy(peers.begin(), peers.end(), common.peers);
  common.rank = s.rank;
  common.layer = layer;
  common.jitter_max_ns = s.options.jitter_max_ns;
  return common;
}

}  // namespace

// Every check that can differ across GPUs and every allocation of one rank, before any collective
// step (Note [Symmetric window set-up and teardown]). `ranks_per_gpu` is 1, or world for loopback
// ranks (Note [Loopback ranks]), which share the GPU's SMs.
absl::Status A2aLl::State::SetUp(int world, int ranks_per_gpu) {
  int device = 0, sm_count = 0;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetDevice(&device));
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaDeviceGetAttribute(&sm_count, cudaDevAttrMultiProcessorCount, device));
  // The combine's waits take one thread of a block per flag: at most kThreadsPerBlock blocks.
  const int most_sms = std::min(sm_count, kThreadsPerBlock);
  if (options.max_sms < world || options.max_sms > most_sms) {
    return Invalid("max_sms", options.max_sms,
                   fmt::format("must be in [world ({}), min(the device's SM count, {}) ({})]",
                               world, kThreadsPerBlock, most_sms));
  }
  // Note [Loopback ranks]: every rank's dispatch and combine resident at once (a combine launched
  // behind its dispatch holds its SMs while it waits, Note [Launches overlap their predecessor's
  // end]).
  if (ranks_per_gpu > 1 && 2 * ranks_per_gpu * options.max_sms > sm_count) {
    return Invalid("max_sms", options.max_sms,
                   fmt::format("must be at most {} for {} loopback ranks: the device's {} SMs / "
                               "(2 x ranks), so that every rank's kernels are resident at once",
                               sm_count / (2 * ranks_per_gpu), ranks_per_gpu, sm_count));
  }
  if (options.line_rows < kA2aLlLineRowsAuto || options.line_rows > kA2aLlMaxLineRows) {
    return Invalid("line_rows", options.line_rows,
                   fmt::format("must be in [0, {}], or {} for the automatic value (LineRowsFor)",
                               kA2aLlMaxLineRows, kA2aLlLineRowsAuto));
  }
  if (options.return_line_rows < kA2aLlReturnLineRowsAuto ||
      options.return_line_rows > kA2aLlMaxReturnLineRows) {
    return Invalid("return_line_rows", options.return_line_rows,
                   fmt::format("must be in [0, {}], or {} for max_sms", kA2aLlMaxReturnLineRows,
                               kA2aLlReturnLineRowsAuto));
  }
  if (options.rank_dedup_rows != kA2aLlRankDedupOff &&
      (options.rank_dedup_rows < kA2aLlRankDedupRowsAuto ||
       options.rank_dedup_rows > options.capacity)) {
    return Invalid("rank_dedup_rows", options.rank_dedup_rows,
                   fmt::format("must be in [0, capacity ({})], {} for {} rows ({} on 2 ranks) or "
                               "{} for never",
                               options.capacity, kA2aLlRankDedupRowsAuto, kA2aLlRankDedupAutoRows,
                               kA2aLlRankDedupAutoRowsTwoRanks, kA2aLlRankDedupOff));
  }
  if (options.jitter_max_ns > 1000000) {
    return Invalid("jitter_max_ns", options.jitter_max_ns, "must be at most 1000000");
  }
  // Cooperative launches need every block resident at once (Note [SM budget]).
  for (const void* kernel :
       {reinterpret_cast<const void*>(DispatchKernel<A2aLlSends::kLinesOneUnit>),
        reinterpret_cast<const void*>(DispatchKernel<A2aLlSends::kNotOnce>),
        reinterpret_cast<const void*>(DispatchKernel<A2aLlSends::kAny>),
        reinterpret_cast<const void*>(CombineKernel<false>),
        reinterpret_cast<const void*>(CombineKernel<true>)}) {
    int per_sm = 0;
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, kThreadsPerBlock, 0));
    if (per_sm < 1) {
      return absl::FailedPreconditionError(
          "a2a_ll: a kernel's block does not fit on one SM (registers or shared memory)");
    }
  }
  const int dispatch_warps = options.max_sms * kWarpsPerBlock;
  A2aLlShape shape;
  shape.world = world;
  shape.num_experts = options.num_experts;
  shape.top_k = options.top_k;
  shape.hidden = options.hidden;
  shape.capacity = options.capacity;
  shape.dispatch_parts = options.num_experts > 0 ? std::clamp(dispatch_warps / options.num_experts,
                                                              1, kA2aLlMaxDispatchParts)
                                                 : 1;
  shape.dispatch_blocks = options.max_sms;
  shape.combine_group_blocks = std::min(options.max_sms / world, kA2aLlMaxCombineGroupBlocks);
  const A2aLlThresholds thresholds =
      A2aLlThresholdsFor(options.line_rows, options.return_line_rows, options.rank_dedup_rows,
                         options.max_sms, options.capacity, world);
  shape.line_rows = thresholds.line_rows;
  shape.return_line_rows = thresholds.return_line_rows;
  shape.rank_dedup_rows = thresholds.rank_dedup_rows;
  PADGRAPH_ASSIGN_OR_RETURN(layout, MakeA2aLlLayout(shape));
  dispatch_blocks = options.max_sms;
  combine_blocks = layout.shape.combine_group_blocks * world;
  PADGRAPH_ASSIGN_OR_RETURN(dispatch_epochs,
                            DeviceBuffer::Allocate(dispatch_blocks * sizeof(uint32_t)));
  PADGRAPH_ASSIGN_OR_RETURN(combine_epochs,
                            DeviceBuffer::Allocate(combine_blocks * sizeof(uint32_t)));
  PADGRAPH_ASSIGN_OR_RETURN(
      recv_counts,
      DeviceBuffer::Allocate(static_cast<size_t>(layout.local_experts) * world * sizeof(int32_t)));
  PADGRAPH_ASSIGN_OR_RETURN(sent_rows, DeviceBuffer::Allocate(sizeof(int32_t)));
  PADGRAPH_ASSIGN_OR_RETURN(valid_pairs,
                            DeviceBuffer::Allocate(layout.shape.capacity * sizeof(uint16_t)));
  PADGRAPH_ASSIGN_OR_RETURN(line_modes, DeviceBuffer::Allocate(world * sizeof(int32_t)));
  PADGRAPH_ASSIGN_OR_RETURN(
      pair_routes,
      DeviceBuffer::Allocate(std::max(layout.shape.return_line_rows * layout.shape.top_k, 1) *
                             sizeof(int32_t)));
  // The list holds an entry for each of this rank's own pairs for its own experts and each row it
  // can hold for other sources that take lines: each source, this rank included, sends at most
  // line_rows tokens, each of whose pairs meets at most min(top_k, local_experts) of its experts.
  line_send_rows =
      world * layout.shape.line_rows * std::min(layout.shape.top_k, layout.local_experts);
  PADGRAPH_ASSIGN_OR_RETURN(line_sends,
                            DeviceBuffer::Allocate(std::max(line_send_rows, 1) * sizeof(int4)));
  PADGRAPH_ASSIGN_OR_RETURN(line_send_count, DeviceBuffer::Allocate(sizeof(int32_t)));
  PADGRAPH_ASSIGN_OR_RETURN(partial_pairs,
                            DeviceBuffer::Allocate(layout.shape.capacity * sizeof(uint16_t)));
  PADGRAPH_ASSIGN_OR_RETURN(
      members, DeviceBuffer::Allocate(
                   (layout.shape.rank_dedup() ? layout.recv_row_count() * layout.shape.top_k : 1) *
                   sizeof(int32_t)));
  const size_t first_rows_count =
      layout.shape.rank_dedup() ? static_cast<size_t>(world) * layout.shape.capacity : 1;
  PADGRAPH_ASSIGN_OR_RETURN(first_rows, DeviceBuffer::Allocate(first_rows_count * sizeof(int4)));
  PADGRAPH_ASSIGN_OR_RETURN(first_counts, DeviceBuffer::Allocate(2 * world * sizeof(int)));
  const int counter_rows = std::max(dispatch_blocks, combine_blocks);
  PADGRAPH_ASSIGN_OR_RETURN(counters, DeviceBuffer::Allocate(static_cast<size_t>(counter_rows) *
                                                             kCounterRow * sizeof(uint64_t)));
  for (DeviceBuffer* buffer :
       {&dispatch_epochs, &combine_epochs, &recv_counts, &sent_rows, &valid_pairs, &line_modes,
        &pair_routes, &line_sends, &line_send_count, &partial_pairs, &members, &first_rows,
        &first_counts, &counters}) {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemset(buffer->data(), 0, buffer->bytes()));
  }
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaDeviceSynchronize());
  return absl::OkStatus();
}

// An A2aLl dropped without Destroy: its window warns and leaks (symmetric_window.h).
A2aLl::A2aLl() = default;
A2aLl::A2aLl(A2aLl&&) noexcept = default;
A2aLl& A2aLl::operator=(A2aLl&&) noexcept = default;
A2aLl::~A2aLl() = default;

absl::StatusOr<A2aLl> A2aLl::Create(ncclComm_t comm, const A2aLlOptions& options) {
  // Note [Same options everywhere]: first, so that options valid on some ranks only fail on every
  // rank.
  const char* const names[] = {"num_experts",      "top_k",         "hidden",
                               "capacity",         "max_sms",       "line_rows",
                               "return_line_rows", "jitter_max_ns", "rank_dedup_rows"};
  const int64_t values[] = {
      options.num_experts,      options.top_k,         options.hidden,
      options.capacity,         options.max_sms,       options.line_rows,
      options.return_line_rows, options.jitter_max_ns, options.rank_dedup_rows};
  PADGRAPH_ASSIGN_OR_RETURN(const device_exchange::CommPlace place,
                            BeginCollectiveCreate(comm, "a2a_ll", names, values));
  const int world = place.world;
  const int rank = place.rank;

  A2aLl a2a;
  a2a.state_ = std::make_unique<State>();
  State& s = *a2a.state_;
  s.rank = rank;
  s.options = options;
  const absl::Status set_up = s.SetUp(world, /*ranks_per_gpu=*/1);
  PADGRAPH_ASSIGN_OR_RETURN(s.window,
                            SymmetricWindow::Create(comm, s.layout.window_bytes, "a2a_ll", set_up));
  return a2a;
}

absl::StatusOr<std::vector<A2aLl>> A2aLl::CreateLoopback(int world, const A2aLlOptions& options) {
  return MakeLoopbackTeam<A2aLl>(
      world, "a2a_ll",
      [&](A2aLl& a2a, int rank) -> absl::StatusOr<size_t> {
        a2a.state_ = std::make_unique<State>();
        a2a.state_->rank = rank;
        a2a.state_->options = options;
        PADGRAPH_RETURN_IF_ERROR(a2a.state_->SetUp(world, /*ranks_per_gpu=*/world));
        return a2a.state_->layout.window_bytes;
      },
      [](A2aLl& a2a, SymmetricWindow window) { a2a.state_->window = std::move(window); });
}

absl::Status A2aLl::Destroy() {
  if (state_ == nullptr) return absl::OkStatus();
  PADGRAPH_RETURN_IF_ERROR(state_->window.Destroy());
  state_.reset();
  return absl::OkStatus();
}

absl::Status A2aLl::Dispatch(const A2aLlDispatchArgs& args, cudaStream_t stream) const {
  if (state_ == nullptr) return absl::FailedPreconditionError("a2a_ll: Dispatch after Destroy");
  const State& s = *state_;
  PADGRAPH_RETURN_IF_ERROR(CheckLaunch(s, args.rows, args.layer, args.deadline));
  if (args.num_rows == nullptr ||
      (args.rows > 0 && (args.x == nullptr || args.topk_ids == nullptr))) {
    return absl::InvalidArgumentError(
        "a2a_ll: Dispatch needs num_rows, and x and topk_ids when rows > 0");
  }
  if (args.rows > s.layout.shape.rank_dedup_rows && args.weights == nullptr) {
    return absl::InvalidArgumentError(fmt::format(
        "a2a_ll: Dispatch needs weights when rows ({}) > rank_dedup_rows ({}) (Note [Rows once "
        "per rank]: the owner sums each token's pairs)",
        args.rows, s.layout.shape.rank_dedup_rows));
  }
  DispatchParams params;
  params.common = CommonFor(s, args.layer, args.deadline);
  params.x = static_cast<const uint4*>(args.x);
  params.topk_ids = args.topk_ids;
  params.num_rows = args.num_rows;
  params.rows = args.rows;
  params.epochs = s.dispatch_epochs.data<uint32_t>();
  params.recv_counts = s.recv_counts.data<int32_t>();
  params.sent_rows = s.sent_rows.data<int32_t>();
  params.valid_pairs = s.valid_pairs.data<uint16_t>();
  params.line_modes = s.line_modes.data<int32_t>();
  params.pair_routes = s.pair_routes.data<int32_t>();
  params.line_sends = s.line_sends.data<int4>();
  params.line_send_rows = s.line_send_rows;
  params.line_send_count = s.line_send_count.data<int32_t>();
  params.weights = args.weights;
  params.partial_pairs = s.partial_pairs.data<uint16_t>();
  params.members = s.members.data<int32_t>();
  params.first_rows = s.first_rows.data<int4>();
  params.first_counts = s.first_counts.data<int>();
  // Note [Dispatch instances].
  const A2aLlSends sends = s.layout.DispatchSends(args.rows, s.dispatch_blocks * kWarpsPerBlock);
  const auto kernel = sends == A2aLlSends::kLinesOneUnit ? DispatchKernel<A2aLlSends::kLinesOneUnit>
                      : sends == A2aLlSends::kNotOnce    ? DispatchKernel<A2aLlSends::kNotOnce>
                                                         : DispatchKernel<A2aLlSends::kAny>;
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      LaunchCooperative(kernel, s.dispatch_blocks, kThreadsPerBlock, params, stream));
  return absl::OkStatus();
}

absl::Status A2aLl::Combine(const A2aLlCombineArgs& args, cudaStream_t stream) const {
  if (state_ == nullptr) return absl::FailedPreconditionError("a2a_ll: Combine after Destroy");
  const State& s = *state_;
  PADGRAPH_RETURN_IF_ERROR(CheckLaunch(s, args.rows, args.layer, args.deadline));
  if (args.expert_out == nullptr ||
      (args.rows > 0 && (args.weights == nullptr || args.out == nullptr))) {
    return absl::InvalidArgumentError(
        "a2a_ll: Combine needs expert_out, and weights and out when rows > 0");
  }
  CombineParams params;
  params.common = CommonFor(s, args.layer, args.deadline);
  params.expert_out = static_cast<const uint4*>(args.expert_out);
  params.weights = args.weights;
  params.rows = args.rows;
  params.recv_counts = s.recv_counts.data<int32_t>();
  params.epochs = s.combine_epochs.data<uint32_t>();
  params.sent_rows = s.sent_rows.data<int32_t>();
  params.valid_pairs = s.valid_pairs.data<uint16_t>();
  params.line_modes = s.line_modes.data<int32_t>();
  params.pair_routes = s.pair_routes.data<int32_t>();
  params.line_sends = s.line_sends.data<int4>();
  params.line_send_rows = s.line_send_rows;
  params.line_send_count = s.line_send_count.data<int32_t>();
  params.dispatch_epochs = s.dispatch_epochs.data<uint32_t>();
  params.out = static_cast<uint4*>(args.out);
  params.partial_pairs = s.partial_pairs.data<uint16_t>();
  params.members = s.members.data<int32_t>();
  params.first_rows = s.first_rows.data<int4>();
  params.first_counts = s.first_counts.data<int>();
  // Note [The line sum's width]: rows bounds the count the kernel reads on the device.
  const bool narrow_sum = s.layout.shape.top_k <= kNarrowSumMaxTopK &&
                          static_cast<int64_t>(args.rows) * s.layout.lines_per_row() <=
                              static_cast<int64_t>(s.combine_blocks) * kWarpsPerBlock;
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      LaunchCooperative(narrow_sum ? CombineKernel<true> : CombineKernel<false>, s.combine_blocks,
                        kThreadsPerBlock, params, stream));
  return absl::OkStatus();
}

absl::Status A2aLl::LaunchEgressProbe(const void* source, size_t bytes_per_peer, int blocks,
                                      cudaStream_t stream) const {
  if (state_ == nullptr) return absl::FailedPreconditionError("a2a_ll: probe after Destroy");
  const State& s = *state_;
  const int world = s.layout.shape.world;
  const size_t limit = s.layout.recv_row_count() * s.layout.row_bytes();
  if (world < 2) return absl::FailedPreconditionError("a2a_ll: the egress probe needs a peer");
  if (s.window.handle() == nullptr) {
    return absl::FailedPreconditionError("a2a_ll: the egress probe needs NCCL, not loopback ranks");
  }
  if (bytes_per_peer % 16 != 0 || bytes_per_peer > limit) {
    return Invalid("bytes_per_peer", static_cast<int64_t>(bytes_per_peer),
                   fmt::format("must be a multiple of 16 and at most {}", limit));
  }
  if (blocks < world - 1) return Invalid("blocks", blocks, "must be at least world - 1");
  blocks = blocks / (world - 1) * (world - 1);
  EgressProbeKernel<<<blocks, kThreadsPerBlock, 0, stream>>>(
      s.window.handle(), s.layout.recv_rows_offset, s.rank, world,
      static_cast<const uint4*>(source), bytes_per_peer / 16);
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  return absl::OkStatus();
}

absl::Status A2aLl::LaunchLinesFloor(const A2aLlLinesFloorArgs& args, cudaStream_t stream) const {
  if (state_ == nullptr) return absl::FailedPreconditionError("a2a_ll: floor after Destroy");
  const State& s = *state_;
  PADGRAPH_RETURN_IF_ERROR(CheckLaunch(s, 0, args.layer, args.deadline));
  const A2aLlLayout& layout = s.layout;
  const int world = layout.shape.world;
  if (args.leg != 0 && args.leg != 1) return Invalid("leg", args.leg, "must be 0 or 1");
  if (args.x == nullptr) return absl::InvalidArgumentError("a2a_ll: the floor needs x");
  if (args.x_rows < 1 || args.x_rows > layout.shape.capacity) {
    return Invalid("x_rows", args.x_rows,
                   fmt::format("must be in [1, capacity ({})]", layout.shape.capacity));
  }
  // A source's rows fill its line block: local_experts x line_rows rows.
  const int most = layout.local_experts * layout.shape.line_rows;
  for (int r = 0; r < kA2aLlMaxWorld; ++r) {
    const int most_here = r < world && r != s.rank ? most : 0;
    for (const auto& [name, rows] :
         {std::pair{"rows_to", args.rows_to[r]}, std::pair{"rows_from", args.rows_from[r]}}) {
      if (rows < 0 || rows > most_here) {
        return Invalid(name, rows,
                       fmt::format("[{}] must be in [0, {}] (local_experts x line_rows for a peer, "
                                   "0 for this rank and past the world)",
                                   r, most_here));
      }
    }
  }
  LinesFloorParams params;
  params.common = CommonFor(s, args.layer, args.deadline);
  params.x = static_cast<const char*>(args.x);
  params.x_rows = args.x_rows;
  params.leg = args.leg;
  params.epochs = (args.leg == 0 ? s.dispatch_epochs : s.combine_epochs).data<uint32_t>();
  std::copy(std::begin(args.rows_to), std::end(args.rows_to), params.rows_to);
  std::copy(std::begin(args.rows_from), std::end(args.rows_from), params.rows_from);
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      LaunchCooperative(LinesFloorKernel, args.leg == 0 ? s.dispatch_blocks : s.combine_blocks,
                        kThreadsPerBlock, params, stream));
  return absl::OkStatus();
}

const A2aLlLayout& A2aLl::layout() const {
  return state_->layout;
}
int A2aLl::rank() const {
  return state_->rank;
}
int A2aLl::world() const {
  return state_->layout.shape.world;
}
int A2aLl::dispatch_blocks() const {
  return state_->dispatch_blocks;
}
int A2aLl::combine_blocks() const {
  return state_->combine_blocks;
}
void* A2aLl::recv_rows() const {
  return state_->window.base() + state_->layout.recv_rows_offset;
}
const int32_t* A2aLl::recv_counts() const {
  return state_->recv_counts.data<int32_t>();
}
const int32_t* A2aLl::recv_origins() const {
  return reinterpret_cast<const int32_t*>(state_->window.base() +
                                          state_->layout.recv_origins_offset);
}

absl::StatusOr<A2aLlCounters> A2aLl::ReadCounters() const {
  if (state_ == nullptr) return absl::FailedPreconditionError("a2a_ll: counters after Destroy");
  std::vector<uint64_t> rows(state_->counters.bytes() / sizeof(uint64_t));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(rows.data(), state_->counters.data(),
                                           state_->counters.bytes(), cudaMemcpyDeviceToHost));
  uint64_t values[kCounters] = {};
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i % kCounterRow < kCounters) values[i % kCounterRow] += rows[i];
  }
  A2aLlCounters counters;
  counters.dispatch_peer_bytes = values[kDispatchPeer];
  counters.dispatch_self_bytes = values[kDispatchSelf];
  counters.combine_peer_bytes = values[kCombinePeer];
  counters.combine_self_bytes = values[kCombineSelf];
  counters.invalid_pairs = values[kInvalidPairs];
  counters.lines_dispatches = values[kLinesDispatches];
  counters.lines_back_dispatches = values[kLinesBackDispatches];
  counters.rows_dispatches = values[kRowsDispatches];
  counters.rows_once_dispatches = values[kRowsOnceDispatches];
  counters.spread_dispatches = values[kSpreadDispatches];
  counters.dispatch_copied_bytes = values[kDispatchCopied];
  return counters;
}

}  // namespace padgraph
