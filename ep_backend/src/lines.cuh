// Self-flagged lines: rows moved with their flag in every 128-byte line, so a receiver can tell
// that data has arrived from the data itself, with no fence on the sender and no flag word to
// wait for. Internal to ep_backend; CUDA only.
//
// Note [Self-flagged lines]
// A row is cut into lines of kLinePayloadBytes (120) bytes; line i carries bytes
// [120 i, 120 i + 120) of the row (the last one padded) and a 64-bit tag in its last 8 bytes, 128
// bytes in all. Eight lanes of a warp store one line, 16 bytes each, in one store instruction
// (lanes 0-6: payload; lane 7: 8 bytes of payload and the tag), so a warp instruction stores four
// lines. A receiver loads a line the same way (eight lanes, one instruction) and takes it when the
// tag lane holds the tag it expects; otherwise it loads the line again.
// This relies on one property of the machine that the PTX memory model does not promise: an
// aligned 128-byte line stored by one warp instruction over NVLink is seen whole by a load of one
// warp instruction on the peer, never new tag with old payload; and the same between two SMs of
// one GPU, since a2a_ll's combine sends a rank's own pairs to itself as lines (a2a_ll.h Note [Own
// pairs as lines]). NCCL's LL128 protocol relies on the same property and enables itself only
// where it holds (NVLink on sm_80 and sm_90); tests/ep_backend/line_tearing_test.cc checks it on
// the machine it runs on (millions of lines stored by one GPU, or one SM, and polled by another
// while they land). Every store of a line is a new tag
// into a slot whose previous contents were read already (the protocol's slots alternate by epoch),
// so a line is never read while it is overwritten with a different tag.
//
// Note [Converged lines]
// One instruction per line needs the line's eight lanes to execute it together, and CUDA promises
// that only at a __syncwarp(): a warp that split at a branch need not run as one again where the
// branch ends. On H200 it does not when one lane slept in the branch: with thread 0 of each block
// sleeping alone before its launch counter's store (the stress tests' jitter), lane 0 of warp 0
// went on apart from its warp, stored its part of each line in an instruction of its own after
// the tag lane's, and a receiver took lines whose first 16 bytes were still the zeros the window
// started with (a2a_ll's jitter stress: only columns 0-7 of rows whose lines warp 0 sent, in every
// run; the lines in memory right afterwards, so torn only while they landed;
// bench/results/2026-11-28-h200x2-stop15). So StoreLinePart and LoadLineParts begin with a
// full-warp __syncwarp() and then store or load under a predicate, with no branch between: every
// lane of the warp calls them together, the ones without a line too. On a converged warp the
// __syncwarp() is a test of the warp's state (BRA.DIV in nvcc 13.0's SASS for sm_90) and costs
// nothing measurable (2 and 4 H200, 1-32 rows, within 0.1 us).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "padgraph/ep_backend/a2a_ll_layout.h"

namespace padgraph::lines {

inline constexpr int kLineBytes = kA2aLlLineBytes;
inline constexpr int kLinePayloadBytes = kA2aLlLinePayloadBytes;
inline constexpr int kLanesPerLine = kLineBytes / 16;  // 16 bytes a lane
inline constexpr int kTagLane = kLanesPerLine - 1;
inline constexpr int kLinesPerWarp = 32 / kLanesPerLine;

// This lane's 16 bytes of a line when `store` (lanes 0-6: two payload words, the tag lane one and
// the tag). Every lane of the warp calls it together (Note [Converged lines]).
__device__ __forceinline__ void StoreLinePart(bool store, uint64_t* address, uint64_t low,
                                              uint64_t high) {
  __syncwarp();
  asm volatile(
      "{\n\t.reg .pred p;\n\tsetp.ne.u32 p, %3, 0;\n\t"
      "@p st.volatile.global.v2.u64 [%0], {%1, %2};\n\t}" ::"l"(address),
      "l"(low), "l"(high), "r"(static_cast<uint32_t>(store))
      : "memory");
}

// This lane's 16 bytes of line u for each bit u of `which` (the others keep their values), every
// line in flight at once. Every lane of the warp calls it together (Note [Converged lines]).
template <int N>
__device__ __forceinline__ void LoadLineParts(const uint64_t* const (&at)[N], uint32_t which,
                                              uint64_t (&low)[N], uint64_t (&high)[N]) {
  __syncwarp();
#pragma unroll
  for (int u = 0; u < N; ++u) {
    asm volatile(
        "{\n\t.reg .pred p;\n\tsetp.ne.u32 p, %3, 0;\n\t"
        "@p ld.volatile.global.v2.u64 {%0, %1}, [%2];\n\t}"
        : "+l"(low[u]), "+l"(high[u])
        : "l"(at[u]), "r"(which >> u & 1u)
        : "memory");
  }
}

}  // namespace padgraph::lines
