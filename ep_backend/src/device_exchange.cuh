// Pieces the device-API transports (a2a_ll.cu, lsa_gather.cu) share: the jitter of their stress
// tests, the bounded wait for an epoch-tagged flag word with poison passed on, and the cooperative
// launch their kernels need. Internal to ep_backend; CUDA only.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "padgraph/ep_backend/a2a_ll_layout.h"
#include "padgraph/graph_runtime/bounded_wait.cuh"

namespace padgraph::device_exchange {

__device__ __forceinline__ uint32_t Mix(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

// a2a_ll.h Note [Jitter]: a random sleep of up to max_ns, none when max_ns is 0.
__device__ __forceinline__ void Jitter(uint32_t max_ns, uint32_t salt) {
  if (max_ns == 0) return;
  const uint32_t h =
      Mix(salt ^ static_cast<uint32_t>(clock64()) ^ (blockIdx.x << 20) ^ (threadIdx.x << 8));
  __nanosleep(h % max_ns);
}

// Byte counters are added where bytes move, skipping the atomic when there is nothing to add.
__device__ __forceinline__ void AddCount(unsigned long long* counter, unsigned long long value) {
  if (value != 0) atomicAdd(counter, value);
}

// A store other GPUs see without ordering anything before it: for words a waiter needs no data
// behind (counts of lines, which carry their own tags; flags of blocks that sent nothing).
__device__ __forceinline__ void StoreRelaxedSys(uint64_t* address, uint64_t value) {
  asm volatile("st.relaxed.sys.global.u64 [%0], %1;" ::"l"(address), "l"(value) : "memory");
}

// A bounded wait for the flag word at `flag` to carry the tag `want` (a2a_ll_layout.h Note
// [a2a_ll flag words]); the word read is left in *word. A poison word records the peer's expiry
// here (source kPeerExpired) and fails the wait.
__device__ __forceinline__ bool WaitForWord(const DeadlineView& deadline, int layer,
                                            uint32_t jitter_max_ns, const uint64_t* flag,
                                            uint64_t want, int peer, uint32_t salt,
                                            uint64_t* word) {
  bool poisoned = false;
  const bool arrived = BoundedWait(deadline, layer, peer, [&] {
    Jitter(jitter_max_ns / 4, salt);
    *word = LoadAcquireSys(flag);
    poisoned = *word == kA2aLlPoisonWord;
    return poisoned || FlagWordTag(*word) == want;
  });
  if (poisoned) ExpireDeadlineOnDevice(deadline, layer, peer, DeadlineSource::kPeerExpired);
  return arrived && !poisoned;
}

// Note [Launches overlap their predecessor's end]
// The kernels are launched with programmatic stream serialization: a kernel may be scheduled
// before the kernel ahead of it on the stream has finished, which hides its launch behind that
// kernel's last microseconds. Every kernel launched so first calls AwaitPredecessor, which waits
// until the kernel ahead has completed and its memory is visible (a no-op without a programmatic
// dependency), and only then lets the kernel after it be scheduled: so no two kernels of the
// transport ever run past that point at once, and their epoch counters never race. Two transport
// kernels back to back (as in the tests and the benchmark) therefore hold up to twice the SM
// budget for a while: the second's blocks go resident wherever an SM has room and wait there
// while the first waits on its peers. A block of a2a_ll's dispatch or combine (96-128 registers x
// 512 threads) leaves no room on its SM for another, so at a budget near the GPU's SM count the
// second's blocks mostly start as the first's leave; the lines' floor (36 registers) shares SMs.
// That is not worth registers: on 2 H200, giving the floor 120 KB of unused shared memory, so
// that no two of its blocks fit an SM, changed it by -0.10 to +0.03 us at 1-16 rows, and a2a_ll
// held to 64 registers, so that two blocks fit, spilled and took 0.3-4 us longer
// (bench/results/2026-11-30-h200-stop37, call 1). In the decoder another kernel (a GEMM, an add)
// always sits between two of them. Besides its own parameters, which no kernel writes
// (TouchParams), the one thing a kernel may read before the wait is its block's own launch
// counter, and only a2a_ll's do (OwnLaunchCounter says why).
__device__ __forceinline__ void AwaitPredecessor() {
#if __CUDA_ARCH__ >= 900  // griddepcontrol: Hopper on; older GPUs launch without overlap
  asm volatile("griddepcontrol.wait;" ::: "memory");
  asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
#endif
}

// Note [Parameters before the wait]
// A kernel's first use of each line of its parameters misses the constant caches: PC sampling
// of a2a_ll's kernels found imc_miss stalls at their first parameter uses after the wait, on the
// path of a small count (bench/results/2026-11-29-h200-stop23). Launched early, a kernel has
// nothing to do while it waits for its predecessor, so thread 0 loads a word of every 32 bytes of
// the parameters first and takes the misses there: 0.1-0.3 us off an a2a_ll step at every count,
// all cases the same way in two calls of 3 rounds. Stop 20 read every parameter in every thread
// instead and saw -0.03 to -0.12 us at 0-8 rows on 2 ranks, mixed on 4, within its rounds' spread,
// and rejected it (bench/results/2026-11-29-h200-stop20, folder 13). The loads' sum is stored to
// shared memory, so that they are neither dropped nor moved past the wait.
template <typename Params>
__device__ __forceinline__ void TouchParams(const Params& params) {
  __shared__ uint32_t touched;
  if (threadIdx.x == 0) {
    const uint32_t* words = reinterpret_cast<const uint32_t*>(&params);
    uint32_t sum = 0;
#pragma unroll
    for (int i = 0; i < static_cast<int>(sizeof(Params) / sizeof(uint32_t)); i += 8) {
      sum ^= words[i];
    }
    *reinterpret_cast<volatile uint32_t*>(&touched) = sum;
  }
}

// This block's launch counter (a2a_ll.h Note [Epochs without host state]) on thread 0 (0 on the
// others). a2a_ll reads it before AwaitPredecessor, so that its load overlaps the wait, which is
// safe only because the kernel just ahead never writes that kernel's counters: a2a_ll's dispatch
// and combine keep an array each and alternate, and the launch that wrote a counter had completed
// before the kernel ahead could let this one start (the kernel ahead is either one of the
// transport's, which lets its successor start only after its own wait, or a kernel launched after
// one of them; and every kernel launched with programmatic serialization waits for its
// predecessor before it completes, the contract of programmatic dependent launch). lsa_gather's
// Gather and Return share one array, so a launch may directly follow the one that writes its
// counter: they read it after the wait (a read before it once lost that race in the benchmark,
// once the counter's store moved behind a barrier).
__device__ __forceinline__ uint32_t OwnLaunchCounter(const uint32_t* counters) {
  return threadIdx.x == 0 ? __ldcg(counters + blockIdx.x) : 0;
}

// Blocks of these kernels wait for peers' blocks that wait for theirs, so every block of a grid
// must be resident at once: a cooperative launch starts the whole grid or waits until it can. The
// kernel must begin with AwaitPredecessor (Note [Launches overlap their predecessor's end]).
template <typename Kernel, typename Params>
cudaError_t LaunchCooperative(Kernel kernel, int blocks, int threads, const Params& params,
                              cudaStream_t stream) {
  cudaLaunchAttribute attributes[2];
  attributes[0].id = cudaLaunchAttributeCooperative;
  attributes[0].val.cooperative = 1;
  attributes[1].id = cudaLaunchAttributeProgrammaticStreamSerialization;
  attributes[1].val.programmaticStreamSerializationAllowed = 1;
  cudaLaunchConfig_t config = {};
  config.gridDim = dim3(blocks);
  config.blockDim = dim3(threads);
  config.stream = stream;
  config.attrs = attributes;
  config.numAttrs = 2;
  return cudaLaunchKernelEx(&config, kernel, params);
}

}  // namespace padgraph::device_exchange
