// Move-only owners of CUDA handles. Factories return StatusOr; destructors release quietly (a
// failure there is printed, never thrown) and never synchronize beyond what the CUDA call does.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdio>
#include <functional>
#include <utility>

#include "absl/status/statusor.h"
#include "padgraph/graph_runtime/cuda_check.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph {

namespace cuda_internal {
inline void WarnOnError(cudaError_t error, const char* what) {
  if (error != cudaSuccess) {
    std::fprintf(stderr, "padgraph: %s failed in a destructor: %s\n", what,
                 cudaGetErrorString(error));
  }
}
}  // namespace cuda_internal

// One owner template: `Release` frees a non-null handle.
template <typename Handle, cudaError_t (*Release)(Handle)>
class CudaHandle {
 public:
  CudaHandle() = default;
  explicit CudaHandle(Handle handle) : handle_(handle) {}
  CudaHandle(CudaHandle&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  CudaHandle& operator=(CudaHandle&& other) noexcept {
    if (this != &other) {
      Reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  CudaHandle(const CudaHandle&) = delete;
  CudaHandle& operator=(const CudaHandle&) = delete;
  ~CudaHandle() { Reset(); }

  Handle get() const { return handle_; }
  explicit operator bool() const { return handle_ != nullptr; }
  void Reset() {
    if (handle_ != nullptr) cuda_internal::WarnOnError(Release(handle_), "releasing a handle");
    handle_ = nullptr;
  }

 private:
  Handle handle_ = nullptr;
};

using CudaStream = CudaHandle<cudaStream_t, cudaStreamDestroy>;
using CudaEvent = CudaHandle<cudaEvent_t, cudaEventDestroy>;
using CudaGraph = CudaHandle<cudaGraph_t, cudaGraphDestroy>;
using CudaGraphExec = CudaHandle<cudaGraphExec_t, cudaGraphExecDestroy>;

// What `record` launches on `stream`, captured (thread-local mode) into a graph. The capture ends
// whatever `record` returns; its failure is reported before the capture's own.
inline absl::StatusOr<CudaGraph> CaptureGraph(cudaStream_t stream,
                                              const std::function<absl::Status()>& record) {
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
  const absl::Status recorded = record();
  cudaGraph_t raw = nullptr;
  const cudaError_t ended = cudaStreamEndCapture(stream, &raw);
  CudaGraph graph(raw);
  PADGRAPH_RETURN_IF_ERROR(recorded);
  PADGRAPH_CUDA_RETURN_IF_ERROR(ended);
  return graph;
}

inline absl::StatusOr<CudaGraphExec> Instantiate(const CudaGraph& graph) {
  cudaGraphExec_t raw = nullptr;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphInstantiate(&raw, graph.get(), 0));
  return CudaGraphExec(raw);
}

inline absl::StatusOr<CudaStream> MakeStream() {
  cudaStream_t stream = nullptr;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  return CudaStream(stream);
}

inline absl::StatusOr<CudaEvent> MakeEvent(unsigned flags = cudaEventDisableTiming) {
  cudaEvent_t event = nullptr;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventCreateWithFlags(&event, flags));
  return CudaEvent(event);
}

// Device memory (cudaMalloc) or pinned host memory (cudaMallocHost) of `bytes` bytes.
class DeviceBuffer {
 public:
  // kMappedHost: pinned host memory the device can read directly (same address on both sides).
  enum class Where { kDevice, kPinnedHost, kMappedHost };

  static absl::StatusOr<DeviceBuffer> Allocate(size_t bytes, Where where = Where::kDevice) {
    void* data = nullptr;
    if (bytes > 0) {
      if (where == Where::kDevice) {
        PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMalloc(&data, bytes));
      } else {
        PADGRAPH_CUDA_RETURN_IF_ERROR(cudaHostAlloc(
            &data, bytes,
            where == Where::kMappedHost ? cudaHostAllocMapped : cudaHostAllocDefault));
      }
    }
    return DeviceBuffer(data, bytes, where);
  }

  DeviceBuffer() = default;
  DeviceBuffer(DeviceBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        bytes_(std::exchange(other.bytes_, 0)),
        where_(other.where_) {}
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
    if (this != &other) {
      Free();
      data_ = std::exchange(other.data_, nullptr);
      bytes_ = std::exchange(other.bytes_, 0);
      where_ = other.where_;
    }
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() { Free(); }

  template <typename T = void>
  T* data() const {
    return static_cast<T*>(data_);
  }
  size_t bytes() const { return bytes_; }

 private:
  DeviceBuffer(void* data, size_t bytes, Where where) : data_(data), bytes_(bytes), where_(where) {}
  void Free() {
    if (data_ == nullptr) return;
    cuda_internal::WarnOnError(where_ == Where::kDevice ? cudaFree(data_) : cudaFreeHost(data_),
                               "freeing a buffer");
    data_ = nullptr;
  }

  void* data_ = nullptr;
  size_t bytes_ = 0;
  Where where_ = Where::kDevice;
};

}  // namespace padgraph
