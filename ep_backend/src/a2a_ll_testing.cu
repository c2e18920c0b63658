// The reference kernels of a2a_ll_testing.h.
#include <cuda_bf16.h>

#include "padgraph/ep_backend/a2a_ll.h"
#include "padgraph/ep_backend/a2a_ll_testing.h"
#include "padgraph/graph_runtime/cuda_check.h"

namespace padgraph {
namespace {

__global__ void EmptyKernel() {}

// One block per (local expert, source) block of the receive region.
__global__ void TestExpertsKernel(A2aLlLayout layout, int rank, const __nv_bfloat16* recv_rows,
                                  const int32_t* recv_counts, __nv_bfloat16* expert_out) {
  const int world = layout.shape.world;
  const int local_expert = blockIdx.x / world;
  const int source = blockIdx.x % world;
  const int expert = rank * layout.local_experts + local_expert;
  const float scale = TestExpertScale(expert);
  const float bias = TestExpertBias(expert);
  const int rows = recv_counts[local_expert * world + source];
  const int hidden = layout.shape.hidden;
  const size_t first = layout.RecvRowIndex(local_expert, source, 0) * hidden;
  for (int i = threadIdx.x; i < rows * hidden; i += blockDim.x) {
    const float x = __bfloat162float(recv_rows[first + i]);
    expert_out[first + i] = __float2bfloat16_rn(fmaf(x, scale, bias));
  }
}

__global__ void CountMismatchesKernel(const uint32_t* a, const uint32_t* b, size_t words,
                                      unsigned long long* mismatches) {
  unsigned long long differ = 0;
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < words;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    differ += a[i] != b[i];
  }
  if (differ != 0) atomicAdd(mismatches, differ);
}

__global__ void __launch_bounds__(1024, 1) SmHolderKernel(uint64_t hold_ns, int32_t* started) {
  extern __shared__ unsigned char held[];
  uint64_t start, now;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(start));
  if (threadIdx.x == 0) {
    held[0] = 1;
    *reinterpret_cast<volatile int32_t*>(started) = 1;
    __threadfence_system();
  }
  do {
    __nanosleep(1000);
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
  } while (now - start < hold_ns);
}

}  // namespace

absl::Status LaunchSmHolder(int blocks, uint64_t hold_ns, int32_t* started, cudaStream_t stream) {
  int device = 0, shared = 0;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetDevice(&device));
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaDeviceGetAttribute(&shared, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaFuncSetAttribute(SmHolderKernel, cudaFuncAttributeMaxDynamicSharedMemorySize, shared));
  SmHolderKernel<<<blocks, 1024, shared, stream>>>(hold_ns, started);
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  return absl::OkStatus();
}

absl::Status LaunchEmptyKernel(int blocks, bool cooperative, cudaStream_t stream) {
  cudaLaunchAttribute attribute;
  attribute.id = cudaLaunchAttributeCooperative;
  attribute.val.cooperative = cooperative ? 1 : 0;
  cudaLaunchConfig_t config = {};
  config.gridDim = dim3(blocks);
  config.blockDim = dim3(A2aLl::kThreadsPerBlock);
  config.stream = stream;
  config.attrs = &attribute;
  config.numAttrs = 1;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaLaunchKernelEx(&config, EmptyKernel));
  return absl::OkStatus();
}

absl::Status LaunchTestExperts(const A2aLlLayout& layout, int rank, const void* recv_rows,
                               const int32_t* recv_counts, void* expert_out, cudaStream_t stream) {
  TestExpertsKernel<<<layout.local_experts * layout.shape.world, 256, 0, stream>>>(
      layout, rank, static_cast<const __nv_bfloat16*>(recv_rows), recv_counts,
      static_cast<__nv_bfloat16*>(expert_out));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  return absl::OkStatus();
}

absl::Status LaunchCountMismatches(const void* a, const void* b, size_t bytes,
                                   unsigned long long* mismatches, cudaStream_t stream) {
  if (bytes % 4 != 0) return absl::InvalidArgumentError("bytes must be a multiple of 4");
  CountMismatchesKernel<<<64, 256, 0, stream>>>(
      static_cast<const uint32_t*>(a), static_cast<const uint32_t*>(b), bytes / 4, mismatches);
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  return absl::OkStatus();
}

}  // namespace padgraph
