// The buffer layout of the a2a_ll transport (a2a_ll.h): what lives where in each rank's symmetric
// window, as plain arithmetic usable on the host and in kernels. Pure and header-only, so the
// offsets are unit-tested on the CPU and the kernels compute the very same numbers.
//
// Note [a2a_ll window layout]
// Every rank allocates the same window (NCCL_WIN_COLL_SYMMETRIC needs equal sizes), so an offset
// computed on one rank addresses the same field on every peer. In order, each section aligned to
// kA2aLlSectionAlign bytes:
//
//   recv_rows      bf16 [local_experts][world][capacity][hidden]   dispatch lands rows here
//   recv_origins   int32 [local_experts][world][capacity]          (token, k) of each landed row
//   dispatch_flags uint64 [local_experts][world][dispatch_parts]   epoch-tagged counts
//   combine_rows   bf16 [capacity][top_k][hidden]                  combine lands expert outputs
//   combine_flags  uint64 [world][combine_group_blocks]            epoch-tagged completion
//   line_counts    uint64 [2][local_experts][world]                each source's mode and count
//   dispatch_lines [2][local_experts][world][line_rows] line rows  small counts' rows, self-flagged
//   combine_lines  [2][return_line_rows][top_k] line rows          expert outputs as lines
//   recv_copies    int32 [local_experts][world][capacity]          rank_dedup() only: copy sources
//   recv_weights   fp32 [local_experts][world][capacity]           rank_dedup() only: pair weights
//
// recv_rows is DESIGN.md's masked layout [local_experts, ranks * capacity, hidden]: local expert
// `le` holds world blocks of `capacity` rows, block `src` filled from its first row with the
// rows rank `src` routed to it (at most capacity: a token picks an expert at most once).
// line_counts, dispatch_lines and combine_lines serve a2a_ll.h Notes [Lines for small counts] and
// [Lines back]: a line row is a row cut into kA2aLlLineBytes-byte lines of kA2aLlLinePayloadBytes
// payload bytes and a tag (lines.cuh), and the leading [2] alternates by epoch (epoch & 1), so a
// rank one layer ahead of a peer never overwrites what that peer has still to read. The expert
// GEMMs read the first count(le, src) rows of each block. A row is stored once per (token, expert)
// pair, so the receive region needs no per-pair deduplication; a source with more rows than
// rank_dedup_rows sends a row once per rank, recv_copies says for each row which row of the
// region it is copied from on arrival, and recv_weights holds each pair's weight for the owner's
// partial sums (a2a_ll.h Note [Rows once per rank]). combine_rows holds, on the rank that owns the
// tokens, one expert output per (token, k), summed there by weight.
//
// Note [a2a_ll flag words]
// A flag is one 64-bit word, written by the sender with a release store after its rows and read
// with acquire loads by the receiver: bits 63..32 the epoch (the sender's count of its own
// launches of that kernel, starting at 1), bits 31..17 the layer id, bits 16..0 a row count (at
// most 65536). A word matches a wait when epoch and layer both equal the waiter's: the layer makes
// a rank that skipped or reordered a layer a missed match (a bounded wait then expires naming the
// layer and the peer) rather than a silent pairing of different layers. The window is zeroed once
// at creation and epochs start at 1, so a never-written word matches nothing. A word is waited for
// only in an epoch whose sender wrote it: the line_counts words (every epoch, an idle rank's
// too) say which of the others a source wrote (its per-part dispatch words on the row path, its
// blocks' words when it spreads, none when it sends lines). A word left unwritten for exactly 2^32
// launches would match its old tag again once the 32-bit epoch wraps; it is never waited for in
// an epoch its sender skipped it, so that needs a source to skip it for 2^32 launches and then be
// read stale, which the line_counts word of that epoch rules out. kA2aLlPoisonWord (all ones: its
// count field exceeds every real count, so no real word equals it) is what a rank whose deadline
// expired writes in place of every flag; a waiter that reads it fails at once (bounded_wait.cuh,
// Note [Bounded device waits]).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "padgraph/ep_backend/fast_divisor.h"
#include "padgraph/padding_policy/rank_dedup.h"

#if defined(__CUDACC__)
#define PADGRAPH_A2A_HD __host__ __device__
#else
#define PADGRAPH_A2A_HD
#endif

namespace padgraph {

// Limits, named so a rejection can say which one was passed.
inline constexpr int kA2aLlMaxWorld = 8;         // ranks of one NVLink domain served for now
inline constexpr int kA2aLlMaxExperts = 1024;    // global experts
inline constexpr int kA2aLlMaxTopK = 16;         // experts per token (4 bits of an origin)
inline constexpr int kA2aLlMaxCapacity = 65536;  // rows per rank (17 bits of a flag's count)
inline constexpr int kA2aLlMaxHidden = 65536;    // bf16 elements per row
inline constexpr int kA2aLlHiddenMultiple = 8;   // rows move as 16-byte words
inline constexpr int kA2aLlMaxDispatchParts = 8;
inline constexpr int kA2aLlMaxDispatchBlocks = 1024;  // the dispatch's grid (max_sms), at most
inline constexpr int kA2aLlMaxSpreadRows = 128;  // a source with at most this many spreads its rows
inline constexpr int kA2aLlMaxCombineGroupBlocks = 256;  // combine blocks per source rank
inline constexpr int kA2aLlMaxLayer = (1 << 15) - 1;     // 15 bits of a flag word
inline constexpr size_t kA2aLlSectionAlign = 4096;
// a2a_ll.h Note [Dispatch instances]: what a dispatch launch may send, from its padded rows (lines
// only, one unit per warp at a time; lines or rows, never rows once per rank; any of them), and
// the most line units per warp the instance that sends one unit at a time takes.
enum class A2aLlSends { kLinesOneUnit, kNotOnce, kAny };
inline constexpr int kA2aLlOneUnitMaxPerWarp = 16;
inline constexpr int kA2aLlMaxLineRows = 64;              // rows per source sent as lines, at most
inline constexpr int kA2aLlLineRowsAuto = -1;             // A2aLlOptions::line_rows: LineRowsFor
inline constexpr int kA2aLlLineRowsAutoExtra = 8;         // rows LineRowsFor adds to max_sms / 4
inline constexpr int kA2aLlLineRowsAutoExtraMinSms = 32;  // the least budget LineRowsFor adds at
inline constexpr int kA2aLlLineBytes = 128;               // a self-flagged line (lines.cuh)
inline constexpr int kA2aLlLinePayloadBytes = 120;        // of which payload; the rest is the tag
inline constexpr int kA2aLlLinesPerWarp = 4;              // lines one warp instruction stores
inline constexpr int kA2aLlLineCountBit = 1 << 16;        // in a line_counts word: lines follow
inline constexpr int kA2aLlLinesBackBit = 1 << 15;   // in a line_counts word: rows out, lines back
inline constexpr int kA2aLlMaxReturnLineRows = 128;  // rows per source taken back as lines, at most
inline constexpr int kA2aLlReturnLineRowsAuto = -1;  // A2aLlOptions::return_line_rows: max_sms
inline constexpr int kA2aLlSendsOnceBit = 1 << 14;   // in a line_counts word: rows once per rank
inline constexpr int kA2aLlSpreadBit = 1 << 13;  // in a line_counts word: rows spread, their count
// A2aLlOptions::rank_dedup_rows: AutoRankDedupRows (padding_policy/rank_dedup.h), or never.
inline constexpr int kA2aLlRankDedupRowsAuto = -1;
inline constexpr int kA2aLlRankDedupOff = -2;

// What the transport is sized for; every rank passes the same values.
struct A2aLlShape {
  int world = 0;
  int num_experts = 0;  // global; rank r owns experts [r * local, (r + 1) * local)
  int top_k = 0;
  int hidden = 0;          // bf16 elements per row
  int capacity = 0;        // rows per rank: the largest row count a launch may carry
  int dispatch_parts = 1;  // flag words per (local expert, source): see a2a_ll.h Note [Dispatch]
  int dispatch_blocks =
      1;  // the dispatch's blocks, each with a word at every rank (Note [Dispatch])
  int combine_group_blocks = 1;  // combine blocks per peer, each with its own flag (Note [Combine])
  int line_rows = 0;  // a source with at most this many real rows sends lines; 0: idle ones only
  // A source with at most this many real rows takes its expert outputs back as lines (a2a_ll.h Note
  // [Lines back]); at least line_rows, since a source that sends lines takes lines back, and at
  // most rank_dedup_rows, since one that sends rows once per rank takes rows back.
  int return_line_rows = 0;
  // A source with more real rows than this (and more than line_rows) sends a row once per peer
  // rank, and the peer copies it to each of its experts' blocks (a2a_ll.h Note [Rows once per
  // rank]); in [max(line_rows, return_line_rows), kA2aLlMaxCapacity], from the capacity up: never.
  int rank_dedup_rows = kA2aLlMaxCapacity;

  // Whether any source can send rows once per rank: the window then holds recv_copies and
  // recv_weights.
  PADGRAPH_A2A_HD bool rank_dedup() const { return rank_dedup_rows < capacity; }
};

struct A2aLlLayout {
  A2aLlShape shape;
  int local_experts = 0;
  size_t recv_rows_offset = 0;
  size_t recv_origins_offset = 0;
  size_t dispatch_flags_offset = 0;
  size_t dispatch_block_flags_offset = 0;
  size_t combine_rows_offset = 0;
  size_t combine_flags_offset = 0;
  size_t line_counts_offset = 0;
  size_t dispatch_lines_offset = 0;
  size_t combine_lines_offset = 0;
  size_t recv_copies_offset = 0;
  size_t recv_weights_offset = 0;
  size_t window_bytes = 0;
  // Lines of one row: row_bytes() over kA2aLlLinePayloadBytes, rounded up; set by MakeA2aLlLayout
  // so that the kernels read it instead of dividing in every warp (a2a_ll.cu Note [The slot table
  // of lines]).
  int row_lines = 0;
  // What the kernels divide by to split their work into units, as multiplies (fast_divisor.h Note
  // [Fast division]); set with the rest by MakeA2aLlLayout.
  FastDivisor local_experts_divisor;   // local_experts: an expert's owner and local index
  FastDivisor world_divisor;           // shape.world
  FastDivisor top_k_divisor;           // shape.top_k
  FastDivisor dispatch_parts_divisor;  // shape.dispatch_parts
  FastDivisor line_groups_divisor;     // line_groups(): a row's lines in warp units

  // The row path's 16-byte words of a row per dispatch part, the last part's fewer (a2a_ll.h Note
  // [Dispatch]): part p holds words [p PartWords(), min((p + 1) PartWords(), hidden / 8)).
  PADGRAPH_A2A_HD int PartWords() const {
    return (shape.hidden / 8 + shape.dispatch_parts - 1) / shape.dispatch_parts;
  }

  PADGRAPH_A2A_HD size_t row_bytes() const { return static_cast<size_t>(shape.hidden) * 2; }
  PADGRAPH_A2A_HD int OwnerOf(int expert) const { return local_experts_divisor.Quotient(expert); }
  PADGRAPH_A2A_HD int LocalExpertOf(int expert) const {
    return local_experts_divisor.Remainder(expert);
  }
  // Index of row `slot` of block (local expert, source) in recv_rows, in rows.
  PADGRAPH_A2A_HD size_t RecvRowIndex(int local_expert, int source, int slot) const {
    return (static_cast<size_t>(local_expert) * shape.world + source) * shape.capacity + slot;
  }
  PADGRAPH_A2A_HD size_t RecvRow(int local_expert, int source, int slot) const {
    return recv_rows_offset + RecvRowIndex(local_expert, source, slot) * row_bytes();
  }
  PADGRAPH_A2A_HD size_t RecvOrigin(int local_expert, int source, int slot) const {
    return recv_origins_offset + RecvRowIndex(local_expert, source, slot) * sizeof(int32_t);
  }
  PADGRAPH_A2A_HD size_t RecvCopy(int local_expert, int source, int slot) const {
    return recv_copies_offset + RecvRowIndex(local_expert, source, slot) * sizeof(int32_t);
  }
  PADGRAPH_A2A_HD size_t RecvWeight(int local_expert, int source, int slot) const {
    return recv_weights_offset + RecvRowIndex(local_expert, source, slot) * sizeof(float);
  }
  PADGRAPH_A2A_HD size_t DispatchFlag(int local_expert, int source, int part) const {
    return dispatch_flags_offset +
           ((static_cast<size_t>(local_expert) * shape.world + source) * shape.dispatch_parts +
            part) *
               sizeof(uint64_t);
  }
  PADGRAPH_A2A_HD size_t DispatchBlockFlag(int source, int block) const {
    return dispatch_block_flags_offset +
           (static_cast<size_t>(source) * shape.dispatch_blocks + block) * sizeof(uint64_t);
  }
  PADGRAPH_A2A_HD size_t CombineRow(int token, int k) const {
    return combine_rows_offset + (static_cast<size_t>(token) * shape.top_k + k) * row_bytes();
  }
  PADGRAPH_A2A_HD size_t CombineFlag(int source, int block) const {
    return combine_flags_offset +
           (static_cast<size_t>(source) * shape.combine_group_blocks + block) * sizeof(uint64_t);
  }
  // Lines of one row, and the bytes of a row sent as lines.
  PADGRAPH_A2A_HD int lines_per_row() const { return row_lines; }
  PADGRAPH_A2A_HD size_t line_row_bytes() const {
    return static_cast<size_t>(lines_per_row()) * kA2aLlLineBytes;
  }
  // Warp units of one row's lines: kA2aLlLinesPerWarp lines each.
  PADGRAPH_A2A_HD int line_groups() const { return line_groups_divisor.divisor(); }
  // A launch's warp units of lines: line_groups() for each (token, k) of `rows`.
  PADGRAPH_A2A_HD int64_t LineUnits(int rows) const {
    return static_cast<int64_t>(rows) * shape.top_k * line_groups();
  }
  // a2a_ll.h Note [Dispatch instances]: whether a dispatch of at most `rows` rows over
  // `warps` warps sends lines only, at most kA2aLlOneUnitMaxPerWarp units per warp.
  PADGRAPH_A2A_HD bool OneLineUnitAtATime(int rows, int warps) const {
    return rows <= shape.line_rows &&
           LineUnits(rows) <= static_cast<int64_t>(kA2aLlOneUnitMaxPerWarp) * warps;
  }
  // The dispatch instance for a launch of at most `rows` rows over `warps` warps.
  PADGRAPH_A2A_HD A2aLlSends DispatchSends(int rows, int warps) const {
    return OneLineUnitAtATime(rows, warps) ? A2aLlSends::kLinesOneUnit
           : rows <= shape.rank_dedup_rows ? A2aLlSends::kNotOnce
                                           : A2aLlSends::kAny;
  }
  // `buffer` is epoch & 1.
  PADGRAPH_A2A_HD size_t LineCount(int buffer, int local_expert, int source) const {
    return line_counts_offset +
           ((static_cast<size_t>(buffer) * local_experts + local_expert) * shape.world + source) *
               sizeof(uint64_t);
  }
  PADGRAPH_A2A_HD size_t DispatchLine(int buffer, int local_expert, int source, int slot,
                                      int line) const {
    return dispatch_lines_offset +
           (((static_cast<size_t>(buffer) * local_experts + local_expert) * shape.world + source) *
                shape.line_rows +
            slot) *
               line_row_bytes() +
           static_cast<size_t>(line) * kA2aLlLineBytes;
  }
  PADGRAPH_A2A_HD size_t CombineLine(int buffer, int token, int k, int line) const {
    return combine_lines_offset +
           ((static_cast<size_t>(buffer) * shape.return_line_rows + token) * shape.top_k + k) *
               line_row_bytes() +
           static_cast<size_t>(line) * kA2aLlLineBytes;
  }
  // Rows of one rank's receive region: local_experts x world x capacity.
  PADGRAPH_A2A_HD size_t recv_row_count() const {
    return static_cast<size_t>(local_experts) * shape.world * shape.capacity;
  }
};

// Origins and flag words (Note [a2a_ll flag words]).
PADGRAPH_A2A_HD inline int32_t PackOrigin(int token, int k) {
  return token * kA2aLlMaxTopK + k;
}
PADGRAPH_A2A_HD inline int OriginToken(int32_t origin) {
  return origin / kA2aLlMaxTopK;
}
PADGRAPH_A2A_HD inline int OriginK(int32_t origin) {
  return origin % kA2aLlMaxTopK;
}
// The bits a waiter compares: epoch and layer (the word shifted right by 17).
PADGRAPH_A2A_HD inline uint64_t FlagTag(uint32_t epoch, int layer) {
  return (static_cast<uint64_t>(epoch) << 15) | static_cast<uint64_t>(layer);
}
PADGRAPH_A2A_HD inline uint64_t FlagWord(uint32_t epoch, int layer, int count) {
  return (FlagTag(epoch, layer) << 17) | static_cast<uint64_t>(count);
}
PADGRAPH_A2A_HD inline uint64_t FlagWordTag(uint64_t word) {
  return word >> 17;
}
PADGRAPH_A2A_HD inline int FlagWordCount(uint64_t word) {
  return static_cast<int>(word & ((1u << 17) - 1));
}
inline constexpr uint64_t kA2aLlPoisonWord = ~uint64_t{0};

namespace a2a_ll_internal {
inline absl::Status OutOfRange(const char* field, int64_t value, const std::string& limit) {
  return absl::InvalidArgumentError(
      absl::StrCat("a2a_ll: ", field, " = ", value, " is out of range: ", limit));
}
inline size_t AlignUp(size_t bytes) {
  return (bytes + kA2aLlSectionAlign - 1) / kA2aLlSectionAlign * kA2aLlSectionAlign;
}
}  // namespace a2a_ll_internal

// The shape's line_rows for an option value, capped at kA2aLlMaxLineRows and at the capacity.
// kA2aLlLineRowsAuto (a2a_ll.h Note [Lines for small counts]): a quarter of the SM budget, plus
// kA2aLlLineRowsAutoExtra from kA2aLlLineRowsAutoExtraMinSms SMs up, and at most `once_above`
// (A2aLlThresholdsFor: the automatic rank_dedup_rows when that option is automatic too). The
// option itself is checked by A2aLl::Create.
inline int LineRowsFor(int option, int max_sms, int capacity, int once_above) {
  const int extra = max_sms >= kA2aLlLineRowsAutoExtraMinSms ? kA2aLlLineRowsAutoExtra : 0;
  const int wanted =
      option == kA2aLlLineRowsAuto ? std::min(max_sms / 4 + extra, once_above) : option;
  return std::clamp(wanted, 0, std::max(0, std::min(capacity, kA2aLlMaxLineRows)));
}

// The shape's return_line_rows for an option value (kA2aLlReturnLineRowsAuto: max_sms, a2a_ll.h
// Note [Lines back]), raised to line_rows and capped at kA2aLlMaxReturnLineRows and at the
// capacity. The option itself is checked by A2aLl::Create.
inline int ReturnLineRowsFor(int option, int max_sms, int line_rows, int capacity) {
  const int most = std::max(line_rows, std::min(capacity, kA2aLlMaxReturnLineRows));
  const int wanted = option == kA2aLlReturnLineRowsAuto ? max_sms : option;
  return std::clamp(wanted, line_rows, most);
}

// The shape's rank_dedup_rows for an option value (kA2aLlRankDedupRowsAuto: AutoRankDedupRows,
// by the ranks, as measured in a2a_ll.h Note [Rows once per rank]; kA2aLlRankDedupOff: the
// capacity, so never), raised to line_rows and capped at the capacity. The option itself is
// checked by A2aLl::Create.
inline int RankDedupRowsFor(int option, int line_rows, int capacity, int world) {
  const int wanted = option == kA2aLlRankDedupOff        ? capacity
                     : option == kA2aLlRankDedupRowsAuto ? AutoRankDedupRows(world, capacity)
                                                         : option;
  return std::clamp(wanted, line_rows, std::max(line_rows, capacity));
}

// A shape's line_rows, return_line_rows and rank_dedup_rows, as A2aLl::Create resolves them from
// the options of those names (each a value Create checked, or automatic) for `world` ranks.
struct A2aLlThresholds {
  int line_rows = 0;
  int return_line_rows = 0;
  int rank_dedup_rows = 0;
};
inline A2aLlThresholds A2aLlThresholdsFor(int line_rows_option, int return_line_rows_option,
                                          int rank_dedup_rows_option, int max_sms, int capacity,
                                          int world) {
  A2aLlThresholds t;
  // The automatic line_rows stops where the automatic rank_dedup_rows starts rows once per rank,
  // so that neither default takes the other's counts (a2a_ll.h Note [Lines for small counts]);
  // with rank_dedup_rows off or explicit it is not capped, and raises an explicit rank_dedup_rows
  // to itself, as an explicit line_rows does.
  const int once_above = rank_dedup_rows_option == kA2aLlRankDedupRowsAuto
                             ? AutoRankDedupRows(world, capacity)
                             : capacity;
  t.line_rows = LineRowsFor(line_rows_option, max_sms, capacity, once_above);
  t.rank_dedup_rows = RankDedupRowsFor(rank_dedup_rows_option, t.line_rows, capacity, world);
  // A source with more rows than rank_dedup_rows takes its results back as rows (a2a_ll.h Note
  // [Rows once per rank]): no lines back above it, and no window for them.
  t.return_line_rows =
      std::min(ReturnLineRowsFor(return_line_rows_option, max_sms, t.line_rows, capacity),
               t.rank_dedup_rows);
  return t;
}

// Checks every field against its limit (InvalidArgument naming the field, the value and the
// limit) and lays the window out.
inline absl::StatusOr<A2aLlLayout> MakeA2aLlLayout(const A2aLlShape& shape) {
  using a2a_ll_internal::OutOfRange;
  using absl::StrCat;
  if (shape.world < 1 || shape.world > kA2aLlMaxWorld) {
    return OutOfRange("world", shape.world, StrCat("must be in [1, ", kA2aLlMaxWorld, "]"));
  }
  if (shape.num_experts < shape.world || shape.num_experts > kA2aLlMaxExperts ||
      shape.num_experts % shape.world != 0) {
    return OutOfRange("num_experts", shape.num_experts,
                      StrCat("must be a multiple of world (", shape.world, ") in [world, ",
                             kA2aLlMaxExperts, "]"));
  }
  if (shape.top_k < 1 || shape.top_k > kA2aLlMaxTopK || shape.top_k > shape.num_experts) {
    return OutOfRange("top_k", shape.top_k,
                      StrCat("must be in [1, ", kA2aLlMaxTopK, "] and at most num_experts (",
                             shape.num_experts, ")"));
  }
  if (shape.hidden < kA2aLlHiddenMultiple || shape.hidden > kA2aLlMaxHidden ||
      shape.hidden % kA2aLlHiddenMultiple != 0) {
    return OutOfRange("hidden", shape.hidden,
                      StrCat("must be a multiple of ", kA2aLlHiddenMultiple, " in [",
                             kA2aLlHiddenMultiple, ", ", kA2aLlMaxHidden, "]"));
  }
  if (shape.capacity < 1 || shape.capacity > kA2aLlMaxCapacity) {
    return OutOfRange("capacity", shape.capacity,
                      StrCat("rows per rank must be in [1, ", kA2aLlMaxCapacity, "]"));
  }
  if (shape.dispatch_parts < 1 || shape.dispatch_parts > kA2aLlMaxDispatchParts) {
    return OutOfRange("dispatch_parts", shape.dispatch_parts,
                      StrCat("must be in [1, ", kA2aLlMaxDispatchParts, "]"));
  }
  if (shape.dispatch_blocks < 1 || shape.dispatch_blocks > kA2aLlMaxDispatchBlocks) {
    return OutOfRange("dispatch_blocks", shape.dispatch_blocks,
                      StrCat("must be in [1, ", kA2aLlMaxDispatchBlocks, "]"));
  }
  if (shape.combine_group_blocks < 1 || shape.combine_group_blocks > kA2aLlMaxCombineGroupBlocks) {
    return OutOfRange("combine_group_blocks", shape.combine_group_blocks,
                      StrCat("must be in [1, ", kA2aLlMaxCombineGroupBlocks, "]"));
  }
  if (shape.line_rows < 0 || shape.line_rows > kA2aLlMaxLineRows ||
      shape.line_rows > shape.capacity) {
    return OutOfRange(
        "line_rows", shape.line_rows,
        StrCat("must be in [0, min(", kA2aLlMaxLineRows, ", capacity (", shape.capacity, "))]"));
  }
  if (shape.return_line_rows < shape.line_rows ||
      shape.return_line_rows > std::min(kA2aLlMaxReturnLineRows, shape.capacity)) {
    return OutOfRange("return_line_rows", shape.return_line_rows,
                      StrCat("must be in [line_rows (", shape.line_rows, "), min(",
                             kA2aLlMaxReturnLineRows, ", capacity (", shape.capacity, "))]"));
  }
  if (shape.rank_dedup_rows < shape.line_rows || shape.rank_dedup_rows > kA2aLlMaxCapacity) {
    return OutOfRange(
        "rank_dedup_rows", shape.rank_dedup_rows,
        StrCat("must be in [line_rows (", shape.line_rows, "), ", kA2aLlMaxCapacity, "]"));
  }
  // A source above rank_dedup_rows takes rows back (a2a_ll.h Note [Rows once per rank]).
  if (shape.return_line_rows > shape.rank_dedup_rows) {
    return OutOfRange("return_line_rows", shape.return_line_rows,
                      StrCat("must be at most rank_dedup_rows (", shape.rank_dedup_rows, ")"));
  }
  using a2a_ll_internal::AlignUp;
  A2aLlLayout layout;
  layout.shape = shape;
  layout.local_experts = shape.num_experts / shape.world;
  layout.row_lines =
      static_cast<int>((layout.row_bytes() + kA2aLlLinePayloadBytes - 1) / kA2aLlLinePayloadBytes);
  layout.line_groups_divisor =
      FastDivisor::Of((layout.row_lines + kA2aLlLinesPerWarp - 1) / kA2aLlLinesPerWarp);
  const size_t recv_rows = layout.recv_row_count();
  size_t offset = 0;
  layout.recv_rows_offset = offset;
  offset = AlignUp(offset + recv_rows * layout.row_bytes());
  layout.recv_origins_offset = offset;
  offset = AlignUp(offset + recv_rows * sizeof(int32_t));
  layout.dispatch_flags_offset = offset;
  offset = AlignUp(offset + static_cast<size_t>(layout.local_experts) * shape.world *
                                shape.dispatch_parts * sizeof(uint64_t));
  layout.dispatch_block_flags_offset = offset;
  offset =
      AlignUp(offset + static_cast<size_t>(shape.world) * shape.dispatch_blocks * sizeof(uint64_t));
  layout.combine_rows_offset = offset;
  offset = AlignUp(offset + static_cast<size_t>(shape.capacity) * shape.top_k * layout.row_bytes());
  layout.combine_flags_offset = offset;
  offset = AlignUp(offset + static_cast<size_t>(shape.world) * shape.combine_group_blocks *
                                sizeof(uint64_t));
  layout.line_counts_offset = offset;
  offset = AlignUp(offset +
                   2 * static_cast<size_t>(layout.local_experts) * shape.world * sizeof(uint64_t));
  layout.dispatch_lines_offset = offset;
  offset = AlignUp(offset + 2 * static_cast<size_t>(layout.local_experts) * shape.world *
                                shape.line_rows * layout.line_row_bytes());
  layout.combine_lines_offset = offset;
  offset = AlignUp(offset + 2 * static_cast<size_t>(shape.return_line_rows) * shape.top_k *
                                layout.line_row_bytes());
  layout.recv_copies_offset = offset;
  offset = AlignUp(offset + (shape.rank_dedup() ? recv_rows * sizeof(int32_t) : 0));
  layout.recv_weights_offset = offset;
  offset = AlignUp(offset + (shape.rank_dedup() ? recv_rows * sizeof(float) : 0));
  layout.window_bytes = offset;
  layout.local_experts_divisor = FastDivisor::Of(layout.local_experts);
  layout.world_divisor = FastDivisor::Of(shape.world);
  layout.top_k_divisor = FastDivisor::Of(shape.top_k);
  layout.dispatch_parts_divisor = FastDivisor::Of(shape.dispatch_parts);
  return layout;
}

}  // namespace padgraph
