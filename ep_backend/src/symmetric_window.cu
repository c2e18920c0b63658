// SymmetricWindow: the three phases of the collective Create and the collective teardown
// (symmetric_window.h). nvcc compiles this file: nccl_device.h is CUDA-only.
#include <cuda_runtime_api.h>
#include <nccl.h>
#include <nccl_device.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/strings/numbers.h"
#include "fmt/format.h"
#include "padgraph/ep_backend/collective_setup.h"
#include "padgraph/ep_backend/nccl_comm.h"
#include "padgraph/graph_runtime/cuda_check.h"
#include "padgraph/graph_runtime/cuda_handles.h"
#include "padgraph/padding_policy/status_macros.h"
#include "symmetric_window.h"

namespace padgraph {
namespace {

// Each rank's window as this GPU addresses it, once at Create (the transports' kernels take them
// as arguments rather than asking the window on every launch).
__global__ void PeerBasesKernel(ncclWindow_t window, int world, char** bases) {
  if (static_cast<int>(threadIdx.x) < world) {
    bases[threadIdx.x] = static_cast<char*>(ncclGetPeerPointer(window, 0, threadIdx.x));
  }
}

// Deregistering is collective: never in a destructor (Note [Symmetric window set-up and
// teardown]).
void WarnLeak(const char* owner_name, const char* how) {
  std::fprintf(stderr, "padgraph: the %s window was %s without Destroy; it leaks\n", owner_name,
               how);
}

}  // namespace

struct SymmetricWindow::State {
  ncclComm_t comm = nullptr;
  const char* owner_name = "";
  void* memory = nullptr;          // ncclMemAlloc, or this rank's part of `loopback`
  std::shared_ptr<void> loopback;  // Note [Loopback ranks]: the team's one allocation
  ncclWindow_t window = nullptr;
  ncclDevComm dev_comm;
  bool dev_comm_created = false;
  PeerBases peer_bases = {};
};

SymmetricWindow::SymmetricWindow() = default;
SymmetricWindow::SymmetricWindow(SymmetricWindow&&) noexcept = default;
SymmetricWindow& SymmetricWindow::operator=(SymmetricWindow&& other) noexcept {
  if (this != &other) {
    if (state_ != nullptr && state_->loopback == nullptr) WarnLeak(state_->owner_name, "replaced");
    state_ = std::move(other.state_);
  }
  return *this;
}

SymmetricWindow::~SymmetricWindow() {
  // A loopback window needs no collective: its memory goes with the team's last window (cudaFree
  // waits for the kernels still running).
  if (state_ != nullptr && state_->loopback == nullptr) WarnLeak(state_->owner_name, "destroyed");
}

absl::StatusOr<SymmetricWindow> SymmetricWindow::Create(ncclComm_t comm, size_t bytes,
                                                        const char* owner_name,
                                                        const absl::Status& owner_set_up) {
  SymmetricWindow window;
  window.state_ = std::make_unique<State>();
  State& s = *window.state_;
  s.comm = comm;
  s.owner_name = owner_name;
  int world = 0;
  DeviceBuffer bases;
  auto allocate = [&]() -> absl::Status {  // phase 1: rank-local
    PADGRAPH_NCCL_RETURN_IF_ERROR(ncclCommCount(comm, &world));
    PADGRAPH_CHECK(world <= kA2aLlMaxWorld);  // the owners' layouts bound it
    PADGRAPH_NCCL_RETURN_IF_ERROR(ncclMemAlloc(&s.memory, bytes));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemset(s.memory, 0, bytes));
    PADGRAPH_ASSIGN_OR_RETURN(bases, DeviceBuffer::Allocate(sizeof(s.peer_bases)));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemset(bases.data(), 0, bases.bytes()));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaDeviceSynchronize());
    return absl::OkStatus();
  };
  auto make_collective = [&]() -> absl::Status {  // phase 3
    PADGRAPH_NCCL_RETURN_IF_ERROR(
        ncclCommWindowRegister(comm, s.memory, bytes, &s.window, NCCL_WIN_COLL_SYMMETRIC));
    ncclDevCommRequirements requirements;
    std::memset(&requirements, 0, sizeof(requirements));
    std::memset(&s.dev_comm, 0, sizeof(s.dev_comm));
    PADGRAPH_NCCL_RETURN_IF_ERROR(ncclDevCommCreate(comm, &requirements, &s.dev_comm));
    s.dev_comm_created = true;
    if (s.dev_comm.lsaSize != world) {
      return absl::FailedPreconditionError(
          fmt::format("{} needs every rank in one NVLink (LSA) domain: {} of {} ranks are",
                      owner_name, s.dev_comm.lsaSize, world));
    }
    PeerBasesKernel<<<1, kA2aLlMaxWorld>>>(s.window, world, bases.data<char*>());
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(s.peer_bases.data(), bases.data(),
                                             sizeof(s.peer_bases), cudaMemcpyDeviceToHost));
    return absl::OkStatus();
  };
  const absl::Status local = owner_set_up.ok() ? allocate() : owner_set_up;
  const absl::Status agreed = AgreeOnSetup(comm, owner_name, local);  // phase 2
  const absl::Status status = agreed.ok() ? make_collective() : agreed;
  if (!status.ok()) {
    // After phase 1 or 2 only rank-local memory is held; after phase 3 every rank tears down the
    // same collective steps.
    (void)window.Destroy();
    return status;
  }
  return window;
}

absl::Status CheckLoopbackQueues(int world, const char* owner_name) {
  constexpr int kDefaultQueues = 8, kMostQueues = 32;  // CUDA's, for CUDA_DEVICE_MAX_CONNECTIONS
  const char* value = std::getenv("CUDA_DEVICE_MAX_CONNECTIONS");
  // CUDA takes 1 to 32; anything else is taken here as its default.
  int queues = kDefaultQueues;
  if (value == nullptr || !absl::SimpleAtoi(value, &queues) || queues < 1 || queues > kMostQueues)
    queues = kDefaultQueues;
  if (world <= queues) return absl::OkStatus();
  return absl::InvalidArgumentError(fmt::format(
      "{}: world = {} loopback ranks need a hardware queue each, but CUDA_DEVICE_MAX_CONNECTIONS = "
      "{} gives {}: set it to at least {} before CUDA starts (ranks whose streams share a queue "
      "wait on each other until the deadline)",
      owner_name, world, value != nullptr ? value : "(unset)", queues, world));
}

absl::StatusOr<std::vector<SymmetricWindow>> SymmetricWindow::CreateLoopback(
    int world, size_t bytes, const char* owner_name) {
  PADGRAPH_CHECK(world >= 1 && world <= kA2aLlMaxWorld);  // MakeLoopbackTeam checked it
  // Each window starts on a 256-byte boundary, as ncclMemAlloc's do.
  const size_t stride = (bytes + 255) / 256 * 256;
  void* raw = nullptr;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMalloc(&raw, stride * world));
  std::shared_ptr<void> memory(raw, [](void* p) { (void)cudaFree(p); });
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemset(raw, 0, stride * world));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaDeviceSynchronize());
  PeerBases bases = {};
  for (int rank = 0; rank < world; ++rank)
    bases[rank] = static_cast<char*>(raw) + stride * rank;
  std::vector<SymmetricWindow> windows(world);
  for (int rank = 0; rank < world; ++rank) {
    windows[rank].state_ = std::make_unique<State>();
    State& s = *windows[rank].state_;
    s.owner_name = owner_name;
    s.memory = bases[rank];
    s.loopback = memory;
    s.peer_bases = bases;
  }
  return windows;
}

absl::Status SymmetricWindow::Destroy() {
  if (state_ == nullptr) return absl::OkStatus();
  State& s = *state_;
  // Kernels still running may store into peers' windows: let them finish first.
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaDeviceSynchronize());
  if (s.loopback != nullptr) {
    state_.reset();  // the team's memory goes with its last window
    return absl::OkStatus();
  }
  if (s.dev_comm_created) {
    PADGRAPH_NCCL_RETURN_IF_ERROR(ncclDevCommDestroy(s.comm, &s.dev_comm));
    s.dev_comm_created = false;
  }
  if (s.window != nullptr) {
    PADGRAPH_NCCL_RETURN_IF_ERROR(ncclCommWindowDeregister(s.comm, s.window));
    s.window = nullptr;
  }
  if (s.memory != nullptr) {
    PADGRAPH_NCCL_RETURN_IF_ERROR(ncclMemFree(s.memory));
    s.memory = nullptr;
  }
  state_.reset();
  return absl::OkStatus();
}

char* SymmetricWindow::base() const {
  return static_cast<char*>(state_->memory);
}
ncclWindow_t SymmetricWindow::handle() const {
  return state_->window;
}
const SymmetricWindow::PeerBases& SymmetricWindow::peer_bases() const {
  return state_->peer_bases;
}

}  // namespace padgraph
