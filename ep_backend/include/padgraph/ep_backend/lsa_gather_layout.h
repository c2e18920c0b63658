// The plan of the lsa gather transport (lsa_gather.h): its options and their limits, the split of
// its SM budget, and what lives where in each rank's symmetric window, as plain arithmetic usable
// on the host and in kernels. Pure and header-only, so every limit and offset is unit-tested on the
// CPU and the kernels compute the very same numbers.
//
// Note [lsa_gather window layout]
// Every rank allocates the same window (NCCL_WIN_COLL_SYMMETRIC needs equal sizes), so an offset
// computed on one rank addresses the same field on every peer. In order, each section aligned to
// kLsaGatherSectionAlign bytes:
//
//   rows   [kLsaGatherBuffers][world][slot_rows * row_bytes]     slot s: rows rank s stored here
//   flags  uint64 [kLsaGatherBuffers][world][group_blocks]       flag (source s, block b)
//
// A launch uses buffer LsaGatherBufferOf(epoch): launches alternate between the two, which is what
// lets a rank store its next launch's rows while a peer may still read the previous ones
// (lsa_gather.h Note [lsa_gather buffer reuse]). A slot holds one launch's rows packed at that
// launch's row bytes (at most options.row_bytes), from the slot's first byte: count x row_bytes
// contiguous bytes, the same packing as the caller's `local`, `partial`, `gathered` and `received`,
// so every transfer is one flat copy of 16-byte words, split over the group's blocks by
// LsaGatherShareWords.
//
// Note [lsa_gather flag words]
// The words are a2a_ll's (a2a_ll_layout.h Note [a2a_ll flag words]): FlagWord(epoch, layer, count)
// written with a release store after the rows, read with acquire loads, kA2aLlPoisonWord after an
// expiry. The count is the rows the source stored into the slot (every block of a source carries
// the same count). The epoch is the launch's ordinal over Gathers and Returns together, from 1, so
// no two launches share a word's value and a zeroed word matches nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "padgraph/ep_backend/a2a_ll_layout.h"

namespace padgraph {

// Limits, named so a rejection can say which one was passed.
inline constexpr int kLsaGatherMaxWorld = kA2aLlMaxWorld;  // ranks of one NVLink domain
inline constexpr int kLsaGatherMaxSlotRows = 65536;        // 17 bits of a flag's count
inline constexpr int kLsaGatherRowBytesMultiple = 16;      // rows move as 16-byte words
inline constexpr int kLsaGatherMaxRowBytes = 1 << 20;      // 262,144 fp32 logits of a shard
inline constexpr int kLsaGatherMaxGroupBlocks = 256;       // blocks per peer
inline constexpr int kLsaGatherMaxLayer = kA2aLlMaxLayer;  // 15 bits of a flag word
inline constexpr uint32_t kLsaGatherMaxJitterNs = 1000000;
inline constexpr int kLsaGatherBuffers = 2;  // Note [lsa_gather window layout]
inline constexpr size_t kLsaGatherSectionAlign = kA2aLlSectionAlign;
// Threads of every block of the exchange kernel; LsaGatherShareWords splits by it.
inline constexpr int kLsaGatherThreadsPerBlock = 512;

// What the transport is sized for; every rank passes the same values (Create checks).
struct LsaGatherOptions {
  // Bytes per row, a multiple of 16: the widest row any launch moves (the same transport serves
  // bf16 hidden rows and fp32 vocab-shard rows).
  int row_bytes = 0;
  int slot_rows = 0;           // rows per rank's slot: the largest bucket
  int max_sms = 32;            // blocks per launch (lsa_gather.h Note [lsa_gather SM budget])
  uint32_t jitter_max_ns = 0;  // a2a_ll.h Note [Jitter]; tests only
};

struct LsaGatherLayout {
  int world = 0;
  int slot_rows = 0;
  int row_bytes = 0;     // the widest row, options.row_bytes
  int group_blocks = 0;  // blocks per peer (self included), each with its own flag
  size_t rows_offset = 0;
  size_t flags_offset = 0;
  size_t window_bytes = 0;

  // Blocks per launch: one group of group_blocks for every rank.
  PADGRAPH_A2A_HD int blocks() const { return group_blocks * world; }
  PADGRAPH_A2A_HD size_t slot_bytes() const {
    return static_cast<size_t>(slot_rows) * static_cast<size_t>(row_bytes);
  }
  // The first byte of the slot rank `source` stores into, in buffer `buffer`.
  PADGRAPH_A2A_HD size_t SlotOffset(int buffer, int source) const {
    return rows_offset + (static_cast<size_t>(buffer) * world + source) * slot_bytes();
  }
  // The flag block `block` of rank `source`'s group publishes, in buffer `buffer`.
  PADGRAPH_A2A_HD size_t FlagOffset(int buffer, int source, int block) const {
    return flags_offset + ((static_cast<size_t>(buffer) * world + source) * group_blocks + block) *
                              sizeof(uint64_t);
  }
};

// The buffer a launch uses: launches alternate (Note [lsa_gather window layout]).
PADGRAPH_A2A_HD inline int LsaGatherBufferOf(uint32_t epoch) {
  return static_cast<int>(epoch % kLsaGatherBuffers);
}

// Words of a flat copy of `words` 16-byte words that block `share` of `shares` moves when thread t
// of every block takes words share * threads + t + k * shares * threads, k = 0, 1, ...: the
// sender's block and the receiver's block of one index move the same words, so each waits only
// for its own flag.
PADGRAPH_A2A_HD inline size_t LsaGatherShareWords(size_t words, int share, int shares,
                                                  int threads) {
  const size_t round = static_cast<size_t>(shares) * threads;
  const size_t start = static_cast<size_t>(share) * threads;
  const size_t rest = words % round;
  const size_t tail = rest > start ? rest - start : 0;
  return words / round * threads + (tail < static_cast<size_t>(threads) ? tail : threads);
}

namespace lsa_gather_internal {
inline absl::Status OutOfRange(const char* field, int64_t value, const std::string& limit) {
  return absl::InvalidArgumentError(
      absl::StrCat("lsa_gather: ", field, " = ", value, " is out of range: ", limit));
}
inline size_t AlignUp(size_t bytes) {
  return (bytes + kLsaGatherSectionAlign - 1) / kLsaGatherSectionAlign * kLsaGatherSectionAlign;
}
}  // namespace lsa_gather_internal

// Checks every option against its limit (InvalidArgument naming the field, the value and the
// limit) for `world` ranks on a device of `sm_count` SMs, splits the SM budget (group_blocks =
// max_sms / world) and lays the window out.
inline absl::StatusOr<LsaGatherLayout> MakeLsaGatherLayout(int world, int sm_count,
                                                           const LsaGatherOptions& options) {
  using absl::StrCat;
  using lsa_gather_internal::AlignUp;
  using lsa_gather_internal::OutOfRange;
  if (world < 1 || world > kLsaGatherMaxWorld) {
    return OutOfRange("world", world, StrCat("must be in [1, ", kLsaGatherMaxWorld, "]"));
  }
  if (options.row_bytes < kLsaGatherRowBytesMultiple || options.row_bytes > kLsaGatherMaxRowBytes ||
      options.row_bytes % kLsaGatherRowBytesMultiple != 0) {
    return OutOfRange("row_bytes", options.row_bytes,
                      StrCat("must be a multiple of ", kLsaGatherRowBytesMultiple, " in [",
                             kLsaGatherRowBytesMultiple, ", ", kLsaGatherMaxRowBytes, "]"));
  }
  if (options.slot_rows < 1 || options.slot_rows > kLsaGatherMaxSlotRows) {
    return OutOfRange("slot_rows", options.slot_rows,
                      StrCat("must be in [1, ", kLsaGatherMaxSlotRows, "]"));
  }
  const int most_sms =
      sm_count < world * kLsaGatherMaxGroupBlocks ? sm_count : world * kLsaGatherMaxGroupBlocks;
  if (options.max_sms < world || options.max_sms > most_sms) {
    return OutOfRange("max_sms", options.max_sms,
                      StrCat("must be in [world (", world, "), min(the device's SM count (",
                             sm_count, "), world x ", kLsaGatherMaxGroupBlocks, ")]"));
  }
  if (options.jitter_max_ns > kLsaGatherMaxJitterNs) {
    return OutOfRange("jitter_max_ns", options.jitter_max_ns,
                      StrCat("must be at most ", kLsaGatherMaxJitterNs));
  }
  LsaGatherLayout layout;
  layout.world = world;
  layout.slot_rows = options.slot_rows;
  layout.row_bytes = options.row_bytes;
  layout.group_blocks = options.max_sms / world;
  size_t offset = 0;
  layout.rows_offset = offset;
  offset = AlignUp(offset + static_cast<size_t>(kLsaGatherBuffers) * world * layout.slot_bytes());
  layout.flags_offset = offset;
  offset = AlignUp(offset + static_cast<size_t>(kLsaGatherBuffers) * world * layout.group_blocks *
                                sizeof(uint64_t));
  layout.window_bytes = offset;
  return layout;
}

}  // namespace padgraph
