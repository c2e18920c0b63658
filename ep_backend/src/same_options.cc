#include "same_options.h"

#include <cuda_runtime_api.h>

#include <vector>

#include "fmt/format.h"
#include "padgraph/ep_backend/nccl_comm.h"
#include "padgraph/ep_backend/nccl_version.h"
#include "padgraph/graph_runtime/cuda_check.h"
#include "padgraph/graph_runtime/cuda_handles.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph::device_exchange {

absl::Status CheckSameOptions(ncclComm_t comm, int world, const char* component,
                              absl::Span<const char* const> names,
                              absl::Span<const int64_t> values) {
  const size_t fields = values.size();
  if (names.size() != fields) {
    return absl::InternalError(
        fmt::format("{}: {} option names for {} values", component, names.size(), fields));
  }
  PADGRAPH_ASSIGN_OR_RETURN(DeviceBuffer gathered,
                            DeviceBuffer::Allocate(fields * sizeof(int64_t) * (world + 1)));
  PADGRAPH_ASSIGN_OR_RETURN(CudaStream stream, MakeStream());
  int64_t* device = gathered.data<int64_t>();
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(device, values.data(), fields * sizeof(int64_t),
                                                cudaMemcpyHostToDevice, stream.get()));
  PADGRAPH_NCCL_RETURN_IF_ERROR(
      ncclAllGather(device, device + fields, fields, ncclInt64, comm, stream.get()));
  std::vector<int64_t> all(fields * world);
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(all.data(), device + fields,
                                                all.size() * sizeof(int64_t),
                                                cudaMemcpyDeviceToHost, stream.get()));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream.get()));
  for (int rank = 1; rank < world; ++rank) {
    for (size_t field = 0; field < fields; ++field) {
      if (all[rank * fields + field] != all[field]) {
        return absl::InvalidArgumentError(fmt::format(
            "{}: options.{} differs across ranks: {} on rank 0, {} on rank {} (Create is "
            "collective and every rank must pass the same options)",
            component, names[field], all[field], all[rank * fields + field], rank));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<CommPlace> BeginCollectiveCreate(ncclComm_t comm, const char* component,
                                                absl::Span<const char* const> names,
                                                absl::Span<const int64_t> values) {
  PADGRAPH_RETURN_IF_ERROR(CheckNcclVersion());
  if (comm == nullptr)
    return absl::InvalidArgumentError(fmt::format("{}: comm is null", component));
  CommPlace place;
  PADGRAPH_NCCL_RETURN_IF_ERROR(ncclCommCount(comm, &place.world));
  PADGRAPH_NCCL_RETURN_IF_ERROR(ncclCommUserRank(comm, &place.rank));
  PADGRAPH_RETURN_IF_ERROR(CheckSameOptions(comm, place.world, component, names, values));
  return place;
}

}  // namespace padgraph::device_exchange
