# Variant "tma2": as "tma", with each warp's mbarriers set up at its first bulk copy and the final
# wait only in warps that made one. "tma" (prototype): the combine's copy of rows back to a source that takes rows (the row
# path at 128 rows on 32 SMs and fewer) by bulk copies (cp.async.bulk, Hopper's TMA): lane 0 of
# each warp moves a row in chunks of kTmaChunk bytes, global -> shared (mbarrier) -> global, two
# chunks' buffers per warp in dynamic shared memory, so no load waits behind the warp's stores.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""// Note [Combine] and Note [Lines for small counts].
__global__""", """constexpr int kTmaChunk = 3584;
constexpr int kTmaSmem = kWarpsPerBlock * 2 * kTmaChunk;

__device__ __forceinline__ uint32_t SmemAddress(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}
__device__ __forceinline__ void TmaLoad(char* buffer, const char* source, int bytes, uint64_t* bar) {
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(SmemAddress(bar)),
               "r"(bytes)
               : "memory");
  asm volatile(
      "cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];" ::"r"(
          SmemAddress(buffer)),
      "l"(source), "r"(bytes), "r"(SmemAddress(bar))
      : "memory");
}
__device__ __forceinline__ void TmaWait(uint64_t* bar, uint32_t parity) {
  uint32_t done = 0;
  do {
    asm volatile(
        "{ .reg .pred p; mbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2; selp.u32 %0, 1, 0, p; }"
        : "=r"(done)
        : "r"(SmemAddress(bar)), "r"(parity)
        : "memory");
  } while (!done);
}
// Lane 0 only.
__device__ __forceinline__ void TmaCopyRow(const char* source, char* destination, int bytes,
                                           char* buffers, uint64_t* bars, uint32_t& parities) {
  const int chunks = (bytes + kTmaChunk - 1) / kTmaChunk;
  asm volatile("cp.async.bulk.wait_group.read 0;" ::: "memory");
  for (int c = 0; c < 2 && c < chunks; ++c)
    TmaLoad(buffers + c * kTmaChunk, source + c * kTmaChunk, min(kTmaChunk, bytes - c * kTmaChunk),
            bars + c);
  for (int c = 0; c < chunks; ++c) {
    const int b = c & 1;
    TmaWait(bars + b, parities >> b & 1u);
    parities ^= 1u << b;
    asm volatile("cp.async.bulk.global.shared::cta.bulk_group [%0], [%1], %2;" ::"l"(
                     destination + c * kTmaChunk),
                 "r"(SmemAddress(buffers + b * kTmaChunk)), "r"(min(kTmaChunk, bytes - c * kTmaChunk))
                 : "memory");
    asm volatile("cp.async.bulk.commit_group;" ::: "memory");
    if (c + 2 < chunks) {
      asm volatile("cp.async.bulk.wait_group.read 0;" ::: "memory");
      TmaLoad(buffers + b * kTmaChunk, source + (c + 2) * kTmaChunk,
              min(kTmaChunk, bytes - (c + 2) * kTmaChunk), bars + b);
    }
  }
}

// Note [Combine] and Note [Lines for small counts].
__global__""")
sub("""  __shared__ int source_modes[kA2aLlMaxWorld];
  const KernelCommon& c = p.common;""", """  __shared__ int source_modes[kA2aLlMaxWorld];
  __shared__ __align__(8) uint64_t tma_bars[kWarpsPerBlock][2];
  extern __shared__ __align__(128) char tma_smem[];
  const KernelCommon& c = p.common;""")
sub("""  if (threadIdx.x < world) source_modes[threadIdx.x] = __ldcg(p.line_modes + threadIdx.x);
  // Rows held""", """  if (threadIdx.x < world) source_modes[threadIdx.x] = __ldcg(p.line_modes + threadIdx.x);
  uint32_t tma_parities = 0;
  bool tma_used = false;
  // Rows held""")
sub("""    if (!peer_takes_lines) {
      CopyRow(p.expert_out + held * words,
              reinterpret_cast<uint4*>(peer_window +
                                       layout.CombineRow(OriginToken(origin), OriginK(origin))),
              words, lane);
      continue;
    }""", """    if (!peer_takes_lines) {
      if (lane == 0) {
        if (!tma_used) {
          asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(SmemAddress(&tma_bars[warp][0])) : "memory");
          asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(SmemAddress(&tma_bars[warp][1])) : "memory");
          asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
          asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
          tma_used = true;
        }
        TmaCopyRow(expert_out + held * row_bytes,
                   peer_window + layout.CombineRow(OriginToken(origin), OriginK(origin)),
                   static_cast<int>(row_bytes), tma_smem + warp * 2 * kTmaChunk, tma_bars[warp],
                   tma_parities);
      }
      __syncwarp();
      continue;
    }""")
sub("""  if (!peer_takes_lines) __syncthreads();
  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 29u);""", """  if (tma_used) {
    asm volatile("cp.async.bulk.wait_group 0;" ::: "memory");
    asm volatile("fence.proxy.async.global;" ::: "memory");
  }
  if (!peer_takes_lines) __syncthreads();
  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 29u);""")
sub("""  PADGRAPH_CUDA_RETURN_IF_ERROR(
      LaunchCooperative(CombineKernel, s.combine_blocks, kThreadsPerBlock, params, stream));""", """  static bool tma_smem_set = false;
  if (!tma_smem_set) {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaFuncSetAttribute(
        CombineKernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kTmaSmem));
    tma_smem_set = true;
  }
  cudaLaunchAttribute attributes[2];
  attributes[0].id = cudaLaunchAttributeCooperative;
  attributes[0].val.cooperative = 1;
  attributes[1].id = cudaLaunchAttributeProgrammaticStreamSerialization;
  attributes[1].val.programmaticStreamSerializationAllowed = 1;
  cudaLaunchConfig_t config = {};
  config.gridDim = dim3(s.combine_blocks);
  config.blockDim = dim3(kThreadsPerBlock);
  config.dynamicSmemBytes = kTmaSmem;
  config.stream = stream;
  config.attrs = attributes;
  config.numAttrs = 2;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaLaunchKernelEx(&config, CombineKernel, params));""")
open(path, "w").write(s)
