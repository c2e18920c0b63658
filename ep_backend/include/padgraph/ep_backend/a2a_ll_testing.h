// Reference pieces for the a2a_ll tests and benchmark, not for engines: a deterministic per-expert
// transform that stands in for the expert GEMMs, with its exact CPU twin, and a device counter of
// differing words (for checks inside a graph that replays thousands of times), an SM holder and an
// empty kernel.
#pragma once

#include <cuda_runtime_api.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "absl/status/status.h"
#include "padgraph/ep_backend/a2a_ll_layout.h"

namespace padgraph {

// y = bf16(fmaf(x, scale(e), bias(e))) with e the global expert. Both factors are exact in bf16
// and fp32, and fmaf rounds once on both sides, so the CPU twin gives the device's bits.
PADGRAPH_A2A_HD inline float TestExpertScale(int expert) {
  return 0.5f + (expert % 8) * 0.125f;
}
PADGRAPH_A2A_HD inline float TestExpertBias(int expert) {
  return ((expert % 5) - 2) * 0.0625f;
}

// bf16 <-> float on the host, round to nearest even (what __float2bfloat16_rn does).
inline uint16_t FloatToBf16Bits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  if (std::isnan(value)) return 0x7fc0;
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}
inline float Bf16BitsToFloat(uint16_t bits) {
  const uint32_t widened = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &widened, sizeof(value));
  return value;
}
inline uint16_t TestExpertHost(int expert, uint16_t x) {
  return FloatToBf16Bits(
      std::fmaf(Bf16BitsToFloat(x), TestExpertScale(expert), TestExpertBias(expert)));
}

// Loads the test experts, the mismatch counter and the empty kernel on the current GPU, as their
// first launch would under lazy loading. Loopback ranks need it before they launch anything
// (a2a_ll.h CreateLoopback).
absl::Status LoadTestKernels();

// Applies the test expert of every local expert of `rank` to the first recv_counts[le][src] rows
// of each block of `recv_rows` (the a2a_ll receive layout), writing `expert_out` in the same layout
// (it may be recv_rows itself).
absl::Status LaunchTestExperts(const A2aLlLayout& layout, int rank, const void* recv_rows,
                               const int32_t* recv_counts, void* expert_out, cudaStream_t stream);

// Adds to *mismatches the number of 4-byte words where `a` and `b` differ (`bytes` a multiple
// of 4).
absl::Status LaunchCountMismatches(const void* a, const void* b, size_t bytes,
                                   unsigned long long* mismatches, cudaStream_t stream);

// Holds `blocks` SMs whole (a block of 1,024 threads with all the shared memory a block may opt
// into) for `hold_ns` nanoseconds of %globaltimer; each block sets *started (mapped host memory)
// to 1 once running, so the host can launch behind it knowing the SMs are taken.
absl::Status LaunchSmHolder(int blocks, uint64_t hold_ns, int32_t* started, cudaStream_t stream);

// How LaunchEmptyKernel launches: plain, cooperative, or as the transports launch theirs
// (cooperative, with programmatic stream serialization, the kernel waiting for the one ahead and
// then letting the next start: device_exchange.cuh Note [Launches overlap their predecessor's
// end]).
enum class EmptyLaunch { kPlain, kCooperative, kLikeTransport };

// An empty kernel of `blocks` blocks of A2aLl::kThreadsPerBlock threads, launched with
// cudaLaunchKernelEx as `how` says: what a kernel boundary alone costs inside a graph.
absl::Status LaunchEmptyKernel(int blocks, EmptyLaunch how, cudaStream_t stream);

// A loopback rank's stream makes and finishes one launch (an empty kernel) before any rank
// launches the protocol: added after a 4-rank hang at the first layer, whose cause is not
// established (Note [Loopback ranks] in src/symmetric_window.h).
absl::Status MakeFirstLaunch(cudaStream_t stream);

// How the line probe's writer stores each line.
enum class LineWriter {
  kOneInstruction,  // by one warp instruction, as a2a_ll does (lines.cuh StoreLinePart)
  kLaneZeroSleeps,  // the same, after lane 0 of each warp slept alone in a branch and the warp
                    // called __syncwarp() (lines.cuh Note [Converged lines])
  kLaneZeroSleepsNoSync,  // lane 0 slept alone and no __syncwarp(): the warp stores each line
                          // in two instructions, which shows that the sleep splits the warp
  kTagFirst,              // the tag in a separate, earlier instruction than the payload: torn by
                          // construction, which shows that the check can see a torn line
};

// The check behind lines.cuh Note [Self-flagged lines]: the writer GPU stores `rounds` rounds of
// `lines` tagged lines into the reader GPU's memory (the same GPU when the two are equal), as
// `how` says, while the reader polls each line until its tag is the round's and then compares
// every payload word; a round starts once the reader acknowledged the last. Both kernels give up
// after `budget_ns`.
struct LineTearingResult {
  uint64_t lines_checked = 0;
  uint64_t torn_lines = 0;  // tag of the round, some payload word not
  bool timed_out = false;
};
absl::Status RunLineTearingProbe(int writer_device, int reader_device, int lines, int rounds,
                                 LineWriter how, uint64_t budget_ns, LineTearingResult* result);

}  // namespace padgraph
