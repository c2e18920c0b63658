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
// One store instruction per line needs the line's eight lanes to execute it together, which CUDA
// promises only for a converged warp: after a branch that some lanes took (an `if (threadIdx.x ==
// 0)` store, a loop's `continue`) a lane may run behind its warp and store its part as a later
// instruction. So each loop of a2a_ll that stores or loads lines starts with __syncwarp(). Inside
// an iteration the lane-dependent branches (the tag lane's word and origin, the first lane's byte
// count, StoreRowPart's tail) end before the next line store or load only because the compiler
// reconverges them there, as nvcc 13.0 does for sm_90 (its SASS has the reconvergence point after
// each); CUDA does not promise it. The __syncwarp()s cost nothing measurable (2 and 4 H200, 1-32
// rows, within 0.1 us); a __syncwarp of the line's lanes before every store and load cost 0.4-0.8
// us at 1-16 rows.
// Open: a2a_ll's jitter stress test failed in every run once thread 0 of each block also slept
// before its launch counter's store in both kernels (a pair missing from a sum, and a wait
// expired); it passes 10 runs of 10 with the __syncwarp()s at the loops' start, and fails again
// without the one before the dispatch's line stores or the one before the combine's list. Yet in
// the SASS those two compile to a test of whether the warp is diverged (BRA.DIV), and every branch
// before them has reconverged, so at run time they should do nothing: what fails, and why they
// move it (code layout, timing), is not established (bench/results/2026-11-28-h200x4-stop14,
// NEXT.md).
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

// The 16 bytes a lane stores: lanes 0-6 two payload words, the tag lane one and the tag.
__device__ __forceinline__ void StoreLinePart(uint64_t* address, uint64_t low, uint64_t high) {
  asm volatile("st.volatile.global.v2.u64 [%0], {%1, %2};" ::"l"(address), "l"(low), "l"(high)
               : "memory");
}
__device__ __forceinline__ void LoadLinePart(const uint64_t* address, uint64_t* low,
                                             uint64_t* high) {
  asm volatile("ld.volatile.global.v2.u64 {%0, %1}, [%2];"
               : "=l"(*low), "=l"(*high)
               : "l"(address)
               : "memory");
}

}  // namespace padgraph::lines
