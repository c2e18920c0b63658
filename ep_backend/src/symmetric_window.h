// SymmetricWindow: the NCCL symmetric window a device-API transport (a2a_ll, lsa_gather) stores its
// peers' rows and flags into, with every rank's window base as this GPU addresses it. Internal to
// ep_backend; the device API stays in symmetric_window.cu.
//
// Note [Symmetric window set-up and teardown]
// Create is collective over the communicator (every rank, one thread per GPU) and runs before any
// capture. It fails on every rank or on none (collective_setup.h), in three phases:
//  1. Rank-local: the owner's own set-up (its allocations and the checks that can differ across
//     GPUs, done before Create and passed in as a status); then, if that succeeded, ncclMemAlloc of
//     the window and one cudaMemset of it (the only one: no launch ever clears anything; zeroed
//     before registering, so before any peer can address it), and the buffer the peer bases land
//     in.
//  2. AgreeOnSetup, one host-API collective. If phase 1 failed on any rank, every rank frees what
//     it allocated (nothing collective exists yet) and fails: that rank with its own error, the
//     others with FailedPrecondition naming it.
//  3. Collective: ncclCommWindowRegister (NCCL_WIN_COLL_SYMMETRIC), ncclDevCommCreate with zeroed
//     requirements, the check that every rank is in one NVLink (LSA) domain (lsaSize == world,
//     alike on every rank), then every rank's window base computed once by a one-block kernel
//     (ncclGetPeerPointer) and copied to the host. A failure here is taken as every rank's:
//     NCCL's collective calls fail alike, and the kernel and its copy (into memory phase 1
//     allocated) fail only when the device itself has. Create then tears down what was made, on
//     every rank.
// Teardown is explicit and collective: Destroy() on every rank synchronizes the device (kernels
// still running may store into peers' windows), then ncclDevCommDestroy, ncclCommWindowDeregister
// and ncclMemFree. The destructor never starts a collective: a window never destroyed warns,
// naming its owner, and leaks.
#pragma once

#include <nccl.h>

#include <array>
#include <cstddef>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "padgraph/ep_backend/a2a_ll_layout.h"

namespace padgraph {

class SymmetricWindow {
 public:
  using PeerBases = std::array<char*, kA2aLlMaxWorld>;

  // Collective (Note [Symmetric window set-up and teardown]). `owner_set_up` is the status of the
  // owner's rank-local set-up, agreed on with the window's own; `bytes` is not used when it
  // failed. `owner_name` (a string literal: "a2a_ll", "lsa_gather") names the owner in errors and
  // warnings. `comm` must outlive the window.
  static absl::StatusOr<SymmetricWindow> Create(ncclComm_t comm, size_t bytes,
                                                const char* owner_name,
                                                const absl::Status& owner_set_up);

  SymmetricWindow();
  SymmetricWindow(SymmetricWindow&&) noexcept;
  SymmetricWindow& operator=(SymmetricWindow&&) noexcept;
  SymmetricWindow(const SymmetricWindow&) = delete;
  SymmetricWindow& operator=(const SymmetricWindow&) = delete;
  ~SymmetricWindow();

  // Collective; after every graph that captured a launch into the window is destroyed.
  absl::Status Destroy();

  bool has_window() const { return state_ != nullptr; }
  // This rank's window (device memory), its NCCL handle, and every rank's window as this GPU
  // addresses it (entries past world are null). Only while has_window().
  char* base() const;
  ncclWindow_t handle() const;
  const PeerBases& peer_bases() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace padgraph
