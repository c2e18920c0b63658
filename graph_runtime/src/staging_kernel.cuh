// The staging kernel of cuda_runner.h, Note [Staging slots].
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

namespace padgraph::graph_runtime_internal {

inline constexpr int kMaxTargets = 8;
// Slot layout: one 8-byte byte count per registered buffer, then each buffer's payload at its
// 16-byte aligned offset.
inline constexpr size_t kSlotHeaderBytes = kMaxTargets * sizeof(uint64_t);

// The registered device buffers and where each one's payload sits in a slot; a kernel argument.
struct StagingTargets {
  unsigned char* device[kMaxTargets] = {};
  uint64_t payload_offset[kMaxTargets] = {};
  int count = 0;
};

// Copies the payloads of slot (*run_counter % slots) of `ring` into the targets, then counts the
// run.
cudaError_t LaunchStaging(const unsigned char* ring, size_t slot_stride, int slots,
                          int64_t* run_counter, const StagingTargets& targets, cudaStream_t stream);

}  // namespace padgraph::graph_runtime_internal
