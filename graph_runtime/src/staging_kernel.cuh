// The staging kernel of cuda_runner.h, Note [Staging slots].
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

namespace padgraph::graph_runtime_internal {

// Slot layout: an 8-byte byte count, 8 bytes of padding, then the payload.
inline constexpr size_t kSlotHeaderBytes = 16;

// Copies the payload of slot (*run_counter % slots) of `ring` into `device`, then counts the run.
cudaError_t LaunchStaging(const unsigned char* ring, size_t slot_stride, int slots,
                          int64_t* run_counter, void* device, cudaStream_t stream);

}  // namespace padgraph::graph_runtime_internal
