// An NCCL communicator owned for one rank, for tools and tests: engines pass their own ncclComm_t
// to padgraph and keep it. Created one thread (or process) per GPU with ncclCommInitRank, as NCCL
// captured in graphs needs; torn down explicitly, collectively, and only after every graph that
// captured it is destroyed: Finalize (ncclCommFinalize, then ncclCommDestroy). A communicator
// never finalized is destroyed with a warning and never starts a collective in a destructor.
#pragma once

#include <nccl.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fmt/format.h"

#define PADGRAPH_NCCL_RETURN_IF_ERROR(call)                                                     \
  do {                                                                                          \
    if (ncclResult_t padgraph_nccl_result_ = (call); padgraph_nccl_result_ != ncclSuccess) {    \
      return absl::InternalError(fmt::format("{}:{}: {} failed: {}", __FILE__, __LINE__, #call, \
                                             ncclGetErrorString(padgraph_nccl_result_)));       \
    }                                                                                           \
  } while (0)

namespace padgraph {

class NcclComm {
 public:
  // Collective over `world` ranks: every rank calls it, on its own thread with its GPU current.
  static absl::StatusOr<NcclComm> InitRank(int world, int rank, const ncclUniqueId& id);

  NcclComm() = default;
  NcclComm(NcclComm&& other) noexcept : comm_(std::exchange(other.comm_, nullptr)) {}
  NcclComm& operator=(NcclComm&& other) noexcept;
  NcclComm(const NcclComm&) = delete;
  NcclComm& operator=(const NcclComm&) = delete;
  ~NcclComm();

  ncclComm_t get() const { return comm_; }
  // Collective: every rank calls it after destroying the graphs that captured this communicator.
  absl::Status Finalize();
  // After the runner's watchdog aborted the communicator (cuda_runner.h Note [Watchdog]) and the
  // runner is destroyed: NCCL has freed it, so this only forgets the handle.
  void ReleaseAborted() { comm_ = nullptr; }

 private:
  explicit NcclComm(ncclComm_t comm) : comm_(comm) {}
  ncclComm_t comm_ = nullptr;
};

}  // namespace padgraph
