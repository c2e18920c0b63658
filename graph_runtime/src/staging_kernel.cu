// The staging kernel: one block reads the step's slot from mapped host memory.
#include "staging_kernel.cuh"

namespace padgraph::graph_runtime_internal {
namespace {

__global__ void StagingKernel(const unsigned char* ring, size_t slot_stride, int slots,
                              int64_t* run_counter, StagingTargets targets) {
  const int64_t run = *run_counter;
  const unsigned char* slot = ring + static_cast<size_t>(run % slots) * slot_stride;
  for (int t = 0; t < targets.count; ++t) {
    // __ldcv: fetch again on every run, never from a cache line an earlier run left.
    const size_t bytes = __ldcv(reinterpret_cast<const unsigned long long*>(slot) + t);
    const unsigned char* payload = slot + targets.payload_offset[t];
    unsigned char* device = targets.device[t];
    // 16-byte words first (payloads and registered buffers are 16-byte aligned), then the tail.
    const size_t words = bytes / 16;
    for (size_t i = threadIdx.x; i < words; i += blockDim.x) {
      reinterpret_cast<uint4*>(device)[i] = __ldcv(reinterpret_cast<const uint4*>(payload) + i);
    }
    for (size_t i = words * 16 + threadIdx.x; i < bytes; i += blockDim.x) {
      device[i] = __ldcv(payload + i);
    }
  }
  __syncthreads();
  if (threadIdx.x == 0) *run_counter = run + 1;
}

}  // namespace

cudaError_t LaunchStaging(const unsigned char* ring, size_t slot_stride, int slots,
                          int64_t* run_counter, const StagingTargets& targets,
                          cudaStream_t stream) {
  StagingKernel<<<1, 256, 0, stream>>>(ring, slot_stride, slots, run_counter, targets);
  return cudaGetLastError();
}

}  // namespace padgraph::graph_runtime_internal
