// AgreeOnSetup: one all-reduce of the lowest failing rank (collective_setup.h).
#include "padgraph/ep_backend/collective_setup.h"

#include <cuda_runtime_api.h>

#include <cstdint>

#include "fmt/format.h"
#include "padgraph/ep_backend/nccl_comm.h"
#include "padgraph/graph_runtime/cuda_check.h"
#include "padgraph/graph_runtime/cuda_handles.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph {
namespace {

// The lowest rank whose `ok` is false, or `world` when every rank's is true.
absl::StatusOr<int32_t> LowestFailingRank(ncclComm_t comm, int world, int rank, bool ok) {
  PADGRAPH_ASSIGN_OR_RETURN(DeviceBuffer reduced, DeviceBuffer::Allocate(sizeof(int32_t)));
  PADGRAPH_ASSIGN_OR_RETURN(CudaStream stream, MakeStream());
  int32_t value = ok ? world : rank;
  int32_t* device = reduced.data<int32_t>();
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaMemcpyAsync(device, &value, sizeof(value), cudaMemcpyHostToDevice, stream.get()));
  PADGRAPH_NCCL_RETURN_IF_ERROR(
      ncclAllReduce(device, device, 1, ncclInt32, ncclMin, comm, stream.get()));
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaMemcpyAsync(&value, device, sizeof(value), cudaMemcpyDeviceToHost, stream.get()));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream.get()));
  return value;
}

}  // namespace

absl::Status AgreeOnSetup(ncclComm_t comm, const char* component, const absl::Status& local) {
  int world = 0, rank = 0;
  PADGRAPH_NCCL_RETURN_IF_ERROR(ncclCommCount(comm, &world));
  PADGRAPH_NCCL_RETURN_IF_ERROR(ncclCommUserRank(comm, &rank));
  const absl::StatusOr<int32_t> failed = LowestFailingRank(comm, world, rank, local.ok());
  // A rank that failed reports its own error, the root cause, even if the agreement failed too.
  if (!local.ok()) return local;
  if (!failed.ok()) return failed.status();
  if (*failed < world) {
    return absl::FailedPreconditionError(fmt::format(
        "{}: Create failed on rank {} (its error is reported there); Create is collective, so it "
        "fails on every rank",
        component, *failed));
  }
  return absl::OkStatus();
}

}  // namespace padgraph
