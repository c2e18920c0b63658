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
// One instruction per line needs the line's eight lanes to execute it together: the warp must be
// converged there, and CUDA promises no convergence where a branch ends. Measured on H200 (nvcc
// 13.0, sm_90; bench/results/2026-11-28-h200x4-stop15, converge.cu): after a branch in which one
// lane slept (__nanosleep) or some lanes spun on a load, as a bounded wait does, the warp ran on
// split in every case, past the branch's reconvergence point; after a __syncwarp(), __shfl_sync,
// __ballot_sync or __syncthreads it ran as one again in every case; lanes that only loaded in a
// branch, or all slept different times outside one, left it whole. A split line warp tears lines:
// with thread 0 of each block sleeping alone before its launch counter's store (the stress
// tests' jitter) and the dispatch's or the combine's line loop not starting with __syncwarp(),
// lane 0 of warp 0 stored its part of each line in an instruction of its own, after the tag lane,
// and the receiver took lines whose first 16 bytes were still the window's zeros (only columns
// 0-7 of the rows whose lines warp 0 sent, in every run; the lines whole in memory afterwards).
// The line probe shows the same: with lane 0 sleeping alone before each line, a quarter of the
// lines (those whose first part lane 0 stored) were seen torn without a __syncwarp() before the
// store, none with it (tests/ep_backend/line_tearing_test.cc). So each loop of a2a_ll that stores
// or loads lines starts with __syncwarp(), and nothing in an iteration spins in a branch: its waits
// are the whole warp's (AwaitLineParts decides with __all_sync and __shfl_sync), the stress tests'
// sleeps there take a line's eight lanes together, and the receive's waits for words, which spin on
// some threads only, end in __syncthreads before the unpack. The branches inside an iteration (the
// tag lane's word, the first lane's byte count, StoreRowPart's tail) reconverge where they end, as
// nvcc 13.0 places them and as the stress tests check. The loop-start __syncwarp()s cost nothing
// measurable (2 and 4 H200, 1-32 rows, within 0.1 us). Rejected: a __syncwarp() in every line
// store, with every lane storing under a predicate, cost 0.15-0.35 us at 1-32 rows and failed the
// jitter stress in 2 runs of 30 on 2 H200 (why is not established), where the loop-start ones
// passed 25 of 25 beside it; a __syncwarp of the line's eight lanes before every store and load
// cost 0.4-0.8 us at 1-16 rows.
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
static_assert(kLinesPerWarp == kA2aLlLinesPerWarp);

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
