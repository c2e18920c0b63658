// CUDA status propagation and the one place CUDA version gates live. Every CUDA runtime and cuBLAS
// call at a padgraph boundary goes through these macros, which turn a failure into an
// absl::Status carrying the call, the error name and file:line.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include "absl/status/status.h"
#include "fmt/format.h"

#if CUDART_VERSION < 12040
#error "padgraph needs CUDA 12.4 or newer (thread-local stream capture into one graph pool)"
#endif

namespace padgraph::cuda_internal {

inline absl::Status CudaError(cudaError_t error, const char* call, const char* file, int line) {
  return absl::InternalError(fmt::format("{}:{}: {} failed: {} ({})", file, line, call,
                                         cudaGetErrorName(error), cudaGetErrorString(error)));
}

inline absl::Status CublasError(cublasStatus_t status, const char* call, const char* file,
                                int line) {
  return absl::InternalError(fmt::format("{}:{}: {} failed: {} ({})", file, line, call,
                                         cublasGetStatusName(status),
                                         cublasGetStatusString(status)));
}

}  // namespace padgraph::cuda_internal

#define PADGRAPH_CUDA_RETURN_IF_ERROR(call)                                               \
  do {                                                                                    \
    if (cudaError_t padgraph_cuda_error_ = (call); padgraph_cuda_error_ != cudaSuccess) { \
      return ::padgraph::cuda_internal::CudaError(padgraph_cuda_error_, #call, __FILE__,  \
                                                  __LINE__);                              \
    }                                                                                     \
  } while (0)

#define PADGRAPH_CUBLAS_RETURN_IF_ERROR(call)                                                 \
  do {                                                                                        \
    if (cublasStatus_t padgraph_cublas_status_ = (call);                                      \
        padgraph_cublas_status_ != CUBLAS_STATUS_SUCCESS) {                                   \
      return ::padgraph::cuda_internal::CublasError(padgraph_cublas_status_, #call, __FILE__, \
                                                    __LINE__);                                \
    }                                                                                         \
  } while (0)
