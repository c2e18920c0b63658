# Variant "tma3" (prototype): rows copied by bulk copies (cp.async.bulk, Hopper's TMA) on both legs:
# the dispatch's row sends of x (its row-path instances) and the combine's copy of rows back to a
# source that takes rows (a combine instance, CombineKernel<true>, launched when this rank's
# padded rows exceed return_line_rows: the host knows its own rows, not its peers'). Lane 0 of a
# warp moves a row in kTmaChunk-byte chunks global -> shared (mbarrier) -> global, two buffers per
# warp in dynamic shared memory (112 KiB), set up at the warp's first bulk copy; before a flag it
# waits for its bulk stores and fences the async proxy. Launches that copy no rows this way run
# without the dynamic shared memory.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)

helpers = """constexpr int kTmaChunk = 3584;
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
// Lane 0 only: the warp's mbarriers are set up at its first copy.
__device__ __forceinline__ void TmaCopyRow(const char* source, char* destination, int bytes,
                                           char* buffers, uint64_t* bars, uint32_t& parities,
                                           bool& used) {
  if (!used) {
    asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(SmemAddress(bars)) : "memory");
    asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(SmemAddress(bars + 1)) : "memory");
    asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
    asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
    used = true;
  }
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
// Lane 0 only: its bulk stores performed and ordered before what it stores next.
__device__ __forceinline__ void TmaDrain(bool used) {
  if (!used) return;
  asm volatile("cp.async.bulk.wait_group 0;" ::: "memory");
  asm volatile("fence.proxy.async.global;" ::: "memory");
}

// Launch with `smem` bytes of dynamic shared memory (device_exchange.cuh LaunchCooperative).
template <typename Kernel, typename Params>
cudaError_t LaunchCooperativeSmem(Kernel kernel, int blocks, int threads, int smem,
                                  const Params& params, cudaStream_t stream) {
  cudaLaunchAttribute attributes[2];
  attributes[0].id = cudaLaunchAttributeCooperative;
  attributes[0].val.cooperative = 1;
  attributes[1].id = cudaLaunchAttributeProgrammaticStreamSerialization;
  attributes[1].val.programmaticStreamSerializationAllowed = 1;
  cudaLaunchConfig_t config = {};
  config.gridDim = dim3(blocks);
  config.blockDim = dim3(threads);
  config.dynamicSmemBytes = smem;
  config.stream = stream;
  config.attrs = attributes;
  config.numAttrs = 2;
  return cudaLaunchKernelEx(&config, kernel, params);
}

"""
sub("""// Note [Dispatch] and Note [Lines for small counts].
template <A2aLlSends kSends>""", helpers + """// Note [Dispatch] and Note [Lines for small counts].
template <A2aLlSends kSends>""")
# Dispatch: shared memory, the row sends, the drain before the flag.
sub("""    DispatchKernel(const DispatchParams p) {
  device_exchange::TouchParams(p);  // Note [Parameters before the wait]""", """    DispatchKernel(const DispatchParams p) {
  device_exchange::TouchParams(p);  // Note [Parameters before the wait]
  __shared__ __align__(8) uint64_t tma_bars[kWarpsPerBlock][2];
  extern __shared__ __align__(128) char tma_smem[];
  uint32_t tma_parities = 0;
  bool tma_used = false;""")
sub("""          if (copy_from < 0) {
            CopyRow(
                p.x + static_cast<size_t>(token) * words,
                reinterpret_cast<uint4*>(owner_base + layout.RecvRow(local_expert, c.rank, slot)),
                words, lane);
            ++sent;
          }""", """          if (copy_from < 0) {
            if (lane == 0) {
              TmaCopyRow(reinterpret_cast<const char*>(p.x + static_cast<size_t>(token) * words),
                         owner_base + layout.RecvRow(local_expert, c.rank, slot),
                         static_cast<int>(row_bytes), tma_smem + (threadIdx.x / kWarpSize) * 2 * kTmaChunk,
                         tma_bars[threadIdx.x / kWarpSize], tma_parities, tma_used);
            }
            ++sent;
          }""")
sub("""      Jitter(c.jitter_max_ns, item * 131u + 7u);
      if (lane == 0) {
        if (slot != first_slot) {""", """      Jitter(c.jitter_max_ns, item * 131u + 7u);
      if (lane == 0) {
        TmaDrain(tma_used);
        if (slot != first_slot) {""")
# Combine instance.
sub("""// Note [Combine] and Note [Lines for small counts].
__global__ void __launch_bounds__(A2aLl::kThreadsPerBlock, 1) CombineKernel(const CombineParams p) {""",
"""// Note [Combine] and Note [Lines for small counts].
template <bool kBulk>
__global__ void __launch_bounds__(A2aLl::kThreadsPerBlock, 1) CombineKernel(const CombineParams p) {""")
sub("""  __shared__ int source_modes[kA2aLlMaxWorld];
  const KernelCommon& c = p.common;""", """  __shared__ int source_modes[kA2aLlMaxWorld];
  __shared__ __align__(8) uint64_t tma_bars[kWarpsPerBlock][2];
  extern __shared__ __align__(128) char tma_smem[];
  uint32_t tma_parities = 0;
  bool tma_used = false;
  const KernelCommon& c = p.common;""")
sub("""    if (!peer_takes_lines) {
      CopyRow(p.expert_out + held * words,
              reinterpret_cast<uint4*>(peer_window +
                                       layout.CombineRow(OriginToken(origin), OriginK(origin))),
              words, lane);
      continue;
    }""", """    if (!peer_takes_lines) {
      if constexpr (kBulk) {
        if (lane == 0) {
          TmaCopyRow(expert_out + held * row_bytes,
                     peer_window + layout.CombineRow(OriginToken(origin), OriginK(origin)),
                     static_cast<int>(row_bytes), tma_smem + warp * 2 * kTmaChunk, tma_bars[warp],
                     tma_parities, tma_used);
        }
        __syncwarp();
      } else {
        CopyRow(p.expert_out + held * words,
                reinterpret_cast<uint4*>(peer_window +
                                         layout.CombineRow(OriginToken(origin), OriginK(origin))),
                words, lane);
      }
      continue;
    }""")
sub("""  if (!peer_takes_lines) __syncthreads();
  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 29u);""", """  if (kBulk && lane == 0) TmaDrain(tma_used);
  if (!peer_takes_lines) __syncthreads();
  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 29u);""")
sub("""        reinterpret_cast<const void*>(CombineKernel)}) {""", """        reinterpret_cast<const void*>(CombineKernel<false>),
        reinterpret_cast<const void*>(CombineKernel<true>)}) {""")
# Launches.
sub("""  PADGRAPH_CUDA_RETURN_IF_ERROR(
      LaunchCooperative(kernel, s.dispatch_blocks, kThreadsPerBlock, params, stream));
  return absl::OkStatus();""", """  static bool smem_set = false;
  if (!smem_set) {
    for (const void* k : {reinterpret_cast<const void*>(DispatchKernel<A2aLlSends::kNotOnce>),
                          reinterpret_cast<const void*>(DispatchKernel<A2aLlSends::kAny>),
                          reinterpret_cast<const void*>(CombineKernel<true>)}) {
      PADGRAPH_CUDA_RETURN_IF_ERROR(
          cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, kTmaSmem));
    }
    smem_set = true;
  }
  PADGRAPH_CUDA_RETURN_IF_ERROR(LaunchCooperativeSmem(
      kernel, s.dispatch_blocks, kThreadsPerBlock,
      sends == A2aLlSends::kLinesOneUnit ? 0 : kTmaSmem, params, stream));
  return absl::OkStatus();""")
sub("""  PADGRAPH_CUDA_RETURN_IF_ERROR(
      LaunchCooperative(CombineKernel, s.combine_blocks, kThreadsPerBlock, params, stream));""", """  static bool smem_set = false;
  if (!smem_set) {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaFuncSetAttribute(
        CombineKernel<true>, cudaFuncAttributeMaxDynamicSharedMemorySize, kTmaSmem));
    smem_set = true;
  }
  const bool bulk = args.rows > s.layout.shape.return_line_rows;
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      bulk ? LaunchCooperativeSmem(CombineKernel<true>, s.combine_blocks, kThreadsPerBlock,
                                   kTmaSmem, params, stream)
           : LaunchCooperative(CombineKernel<false>, s.combine_blocks, kThreadsPerBlock, params,
                               stream));""")
open(path, "w").write(s)
