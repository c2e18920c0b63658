// lsa_gather: the `lsa` gather backend (DESIGN.md section 3): a device-count gather of every
// rank's rows and its mirror image, the return of each rank's slot of results to the rank that
// owns those rows, over NVLink on the NCCL 2.28 device API. Each rank's kernel stores its real rows
// straight into its peers' symmetric windows and publishes epoch-tagged flags there; the real row
// count is read on the device, so padded rows never move, and no host-API collective runs per
// step, so ranks may replay different graphs (rule 1). The device-API twin of GatherSlots and
// ReturnSlots (nccl_collectives.h Note [Slots]), with the same slot layouts.
//
// Note [lsa_gather lifetime and teardown]
// Create is collective over the communicator (every rank, one thread per GPU, same options) and
// runs before any capture: an all-gather of the options (Note [lsa_gather options]), then, as
// a2a_ll's, rank-local checks and allocations that every rank agrees on before the window's
// collective steps (ep_backend/src/symmetric_window.h, Note [Symmetric window set-up and
// teardown]): a failure on one rank fails Create on every rank. The LsaGather must outlive every
// graph that captured its launches, and so must the Deadline whose view a launch was given and the
// caller's buffers a launch names. Teardown is explicit and collective, in this order: destroy the
// graphs; Destroy() on every rank (the window's teardown, same Note); then NcclComm::Finalize. The
// destructor never starts a collective: an LsaGather never destroyed warns and leaks its window.
//
// Note [Gather]
// Input: `local` [rows, row_bytes] and this rank's real row count n in device memory (clamped to
// [0, rows]; rows n.. are padding: never read, never sent). The kernel stores the n rows into
// slot `rank` of every peer's window (lsa_gather_layout.h Note [lsa_gather window layout]) and
// copies them into slot `rank` of its own `gathered` directly. Each block publishes its own flag
// at the peer after its share of the rows (a barrier, a system-scope fence and one release
// store), carrying n, so an idle rank (n = 0) still publishes. Each block then waits (bounded)
// for the flag of the peer's block of the same index, which stored exactly the words this block
// copies out (LsaGatherShareWords), and copies them from its window into slot p of `gathered`
// ([world x slot_rows, row_bytes]): rows [p * slot_rows, p * slot_rows + n_p). Rows past n_p are
// not written. counts()[p] = n_p, the rows that landed in slot p (0 for a peer whose first block's
// wait failed; after any expiry the results are void, Note [lsa_gather expiry]).
//
// Note [Return]
// Input: `partial` [world x slot_rows, row_bytes], slot p holding results for rank p's rows. The
// kernel sends the first counts()[p] rows of slot p (the counts of the preceding Gather, kept on
// the device) to rank p, landing in `received` ([world, slot_rows, row_bytes]) at slot `rank`;
// its own slot is a local copy. So rank r receives in slot p peer p's results for r's n_r rows, to
// be summed (dense TP) or placed side by side (vocab shards) by the caller: nothing is summed
// here. Flags and waits as for Gather. A Return with no Gather before it moves no rows.
//
// Note [Slots of the caller's buffers]
// `gathered`, `partial` and `received` hold one slot per rank of args.slot_rows rows each, which
// may be fewer than the window's options.slot_rows: a graph step of `per_layer` gathers into slots
// of the largest bucket (the GEMMs that follow run over world x that many rows, DESIGN.md section
// 4), an eager step into slots as large as its chunk. Every rank passes the same slot_rows to the
// same launch, and a Return the slot_rows of the Gather before it. A peer's count past this rank's
// slot_rows (a caller that broke that rule) is cut to slot_rows, so no write leaves the buffer.
//
// Note [lsa_gather buffer reuse]
// Invariant: a rank stores into a peer's window buffer b (rows and flags) for launch e + 2 only
// after that peer finished launch e, the last one that used b (it copied b's rows out and read
// b's flags). Launch e + 2 of rank r starts after r's launch e + 1 completed (one stream); that
// completed only after each of r's blocks for peer p acquired p's flag of launch e + 1; p stores
// that flag in its launch e + 1, which starts after its launch e completed. Launches alternate
// between two buffers by epoch (counted over Gathers and Returns together), so the invariant holds
// for any sequence: Gather, Return, Gather, ... as a layer does, or Gathers back to back, with no
// acknowledgement and no wait beyond the flags the data needs. The caller's memory is the caller's:
// a launch reads `local` / `partial` and writes `gathered` / `received` and counts() within its
// own kernel, so anything stream-ordered after the launch may reuse them, and counts() holds
// until the next Gather. Callers keep the invariant by launching every Gather and Return of one
// LsaGather on one stream (or with events that order them) and the same sequence of launches and
// layers on every rank; a rank that skips or reorders one makes its peers' waits expire. After an
// expiry the invariant no longer holds (a failed wait ends a launch early): results are void and
// only teardown is allowed (rule 3).
//
// Note [lsa_gather SM budget]
// Every launch runs on blocks() = world x group_blocks blocks of kThreadsPerBlock threads, one
// per SM, with group_blocks = max_sms / world (rule 6): block i serves rank i % world, storing its
// share of the rows for that rank and then copying out its share of that rank's rows; the group
// of this rank copies the own slot locally and waits for nothing. No block waits for a flag its
// own grid writes, but blocks wait for peers' blocks, which wait for this rank's: with either grid
// only partly resident, two ranks could each hold SMs waiting for blocks the other cannot start.
// Launches are therefore cooperative: the whole grid starts at once or the launch waits until it
// can. Create rejects a budget below world or above the SM count (or world x
// kLsaGatherMaxGroupBlocks). As a2a_ll's, the launches overlap the end of the kernel ahead of them
// and wait for its completion before touching memory (a2a_ll.h Note [SM budget]).
//
// Note [lsa_gather expiry]
// As a2a_ll.h Note [Passing an expiry on]: once this rank's deadline expired (any wait on the
// device, or a poison word from a peer), its launches store no rows and write kA2aLlPoisonWord in
// place of every flag; a peer's next wait for this rank then fails at once (recording
// DeadlineSource::kPeerExpired and this rank) instead of copying stale rows, and every rank's
// next Check returns DeadlineExceeded naming the layer and the peer.
//
// Note [lsa_gather options]
// Window offsets depend on the options, so Create all-gathers every rank's options once (a
// host-API collective, before any capture and before any check of them) and fails on every rank,
// naming the field and two differing values, when they differ. Then MakeLsaGatherLayout checks
// each against its limit (max_sms against this GPU's SM count: a rank-local check, agreed on as
// Note [lsa_gather lifetime and teardown] says). jitter_max_ns > 0 puts random sleeps before row
// stores, flag stores, polls and launch-counter stores (a2a_ll.h Note [Jitter]): the last let
// the jitter stress test catch a launch that read its counter before the launch ahead had stored
// it (bench/results/2026-11-28-h200x4-stop14).
#pragma once

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "padgraph/ep_backend/lsa_gather_layout.h"
#include "padgraph/graph_runtime/deadline.h"

namespace padgraph {

// Device byte counters since Create: row bytes each kind of launch stored into peers' windows and
// copied into this rank's own slot (flags and the copies out of the window are not counted).
// The *_received_bytes are the rows peers stored into this rank's window, counted when the flag
// that carries their count arrived: a gather layer's owner-accounted bytes (policy.h, Note [Wire
// bytes]) are gather_peer_bytes + return_received_bytes.
struct LsaGatherCounters {
  uint64_t gather_peer_bytes = 0;
  uint64_t gather_self_bytes = 0;
  uint64_t gather_received_bytes = 0;
  uint64_t return_peer_bytes = 0;
  uint64_t return_self_bytes = 0;
  uint64_t return_received_bytes = 0;
};

// Launch arguments: raw device pointers, 16-byte aligned; capture-safe; nothing is kept between
// launches. Every rank passes the same row_bytes and layer to the same launch.
struct LsaGatherArgs {
  const void* local = nullptr;        // [rows, row_bytes]; may be null when rows == 0
  const int32_t* num_rows = nullptr;  // device int: the real rows n (clamped to [0, rows])
  int rows = 0;                       // rows of local, at most slot_rows
  int slot_rows = 0;         // Note [Slots of the caller's buffers]; in [1, options.slot_rows]
  int row_bytes = 0;         // a multiple of 16, at most options.row_bytes
  void* gathered = nullptr;  // [world x slot_rows, row_bytes], caller memory; not `local`'s
  int layer = 0;             // for flag tags and deadline records, [0, kLsaGatherMaxLayer]
  DeadlineView deadline;     // bounds every wait (rule 3); a created Deadline's view
};

struct LsaReturnArgs {
  const void* partial = nullptr;  // [world x slot_rows, row_bytes]: slot p for rank p's rows
  int slot_rows = 0;              // the preceding Gather's
  int row_bytes = 0;              // a multiple of 16, at most options.row_bytes
  void* received = nullptr;       // [world, slot_rows, row_bytes], caller memory; not partial's
  int layer = 0;
  DeadlineView deadline;  // as for Gather
};

class LsaGather {
 public:
  static constexpr int kThreadsPerBlock = kLsaGatherThreadsPerBlock;

  // Collective (Note [lsa_gather lifetime and teardown]). `comm` must outlive the LsaGather.
  // Every rank must be in one NVLink (LSA) domain. The deadline comes with each launch, so an
  // engine can create the transport before the runner whose Deadline bounds its waits.
  static absl::StatusOr<LsaGather> Create(ncclComm_t comm, const LsaGatherOptions& options);

  // For tests on one GPU: `world` ranks on the current GPU, no NCCL (Note [Loopback ranks] in
  // ep_backend/src/symmetric_window.h). Each rank's launches must go to its own stream, and world
  // is at most CUDA_DEVICE_MAX_CONNECTIONS (8 when unset), one hardware queue a rank; twice world x
  // the kernel's blocks must fit the GPU's SMs; any other kernel on those streams must be loaded
  // first. Destroy every rank.
  static absl::StatusOr<std::vector<LsaGather>> CreateLoopback(int world,
                                                               const LsaGatherOptions& options);

  LsaGather();
  LsaGather(LsaGather&&) noexcept;
  LsaGather& operator=(LsaGather&&) noexcept;
  LsaGather(const LsaGather&) = delete;
  LsaGather& operator=(const LsaGather&) = delete;
  ~LsaGather();

  // Collective; after every graph that captured a launch is destroyed.
  absl::Status Destroy();

  // Note [Gather] / Note [Return]. Capture-safe; allocate nothing; the only host work is
  // argument checks and the launch.
  absl::Status Gather(const LsaGatherArgs& args, cudaStream_t stream) const;
  absl::Status Return(const LsaReturnArgs& args, cudaStream_t stream) const;

  const LsaGatherLayout& layout() const;
  int rank() const;
  int world() const;
  int blocks() const;
  // Device int32 [world]: the rows of each rank the last Gather landed (Note [Gather]); stable
  // pointer for the LsaGather's life, its values valid until the next Gather.
  const int32_t* counts() const;
  absl::StatusOr<LsaGatherCounters> ReadCounters() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace padgraph
