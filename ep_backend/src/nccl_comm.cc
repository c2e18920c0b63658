// NcclComm: creation and collective teardown.
#include "padgraph/ep_backend/nccl_comm.h"

#include <cstdio>

namespace padgraph {

absl::StatusOr<NcclComm> NcclComm::InitRank(int world, int rank, const ncclUniqueId& id) {
  ncclComm_t comm = nullptr;
  PADGRAPH_NCCL_RETURN_IF_ERROR(ncclCommInitRank(&comm, world, id, rank));
  return NcclComm(comm);
}

NcclComm& NcclComm::operator=(NcclComm&& other) noexcept {
  if (this != &other) {
    if (comm_ != nullptr) ncclCommDestroy(comm_);
    comm_ = std::exchange(other.comm_, nullptr);
  }
  return *this;
}

NcclComm::~NcclComm() {
  if (comm_ == nullptr) return;
  std::fprintf(stderr, "padgraph: an NCCL communicator was destroyed without Finalize\n");
  ncclCommDestroy(comm_);
}

absl::Status NcclComm::Finalize() {
  if (comm_ == nullptr) return absl::OkStatus();
  PADGRAPH_NCCL_RETURN_IF_ERROR(ncclCommFinalize(comm_));
  PADGRAPH_NCCL_RETURN_IF_ERROR(ncclCommDestroy(comm_));
  comm_ = nullptr;
  return absl::OkStatus();
}

}  // namespace padgraph
