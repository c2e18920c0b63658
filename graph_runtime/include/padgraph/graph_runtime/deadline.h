// Bounded waits (DESIGN.md rule 3). A Deadline is the one place a rank records that a wait ran
// past its budget: a device-side wait (a kernel polling a peer's flag) or the host watchdog that
// bounds host-API NCCL waits. Once expired it stays expired: every later device wait exits at
// once, and the runner's next Step or Synchronize returns DeadlineExceeded naming the layer and
// the peer; after that the runner allows only teardown.
//
// Note [Deadline memory]
// The record lives in mapped pinned host memory so the host sees an expiry without a copy call
// (and with the stream hung, a copy would never run). A device wait reads a second copy of the
// flag kept in device memory, since reading mapped host memory crosses PCIe (about a microsecond)
// and a wait checks the flag before it polls. An expiring device wait writes both. The host
// watchdog writes only the host record: the runner then refuses every later Step, so no device
// wait is launched after it. Budgets are taken against %globaltimer (nanoseconds) on the device
// and steady_clock on the host.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "padgraph/graph_runtime/cuda_handles.h"

namespace padgraph {

// kPeerExpired: a device wait found a peer's poison word (that peer's deadline expired first and
// it passed the expiry on, Note [Bounded device waits]).
enum class DeadlineSource : int32_t {
  kNone = 0,
  kDeviceWait = 1,
  kHostWatchdog = 2,
  kPeerExpired = 3
};

// What an expiry recorded. In mapped pinned host memory; written once, by the first wait that
// expired (later ones leave it alone).
struct DeadlineRecord {
  int32_t expired = 0;  // 0 until a wait ran past its budget
  int32_t layer = -1;   // the layer whose wait expired; -1 when not known
  int32_t peer = -1;    // the rank waited for; -1 when not known (a host-API collective)
  int32_t source = 0;   // DeadlineSource
};

// What a kernel needs to bound its waits; trivially copyable, passed by value as a kernel
// argument.
struct DeadlineView {
  DeadlineRecord* record = nullptr;   // mapped host memory, device-visible
  int32_t* device_expired = nullptr;  // device memory: the flag waits check first
  uint64_t budget_ns = 0;
};

class Deadline {
 public:
  // Budgets outside [1 ms, 1 hour] are rejected naming the field. `scale` (>= 1) multiplies the
  // budget, for runs under compute-sanitizer, which slows kernels down by 10-100x.
  static constexpr absl::Duration kMinBudget = absl::Milliseconds(1);
  static constexpr absl::Duration kMaxBudget = absl::Hours(1);
  static constexpr absl::Duration kDefaultBudget = absl::Seconds(10);
  static absl::StatusOr<Deadline> Create(absl::Duration budget = kDefaultBudget, double scale = 1);

  Deadline() = default;
  Deadline(Deadline&&) = default;
  Deadline& operator=(Deadline&&) = default;

  DeadlineView view() const {
    return {record_.data<DeadlineRecord>(), device_expired_.data<int32_t>(), budget_ns_};
  }
  absl::Duration budget() const { return absl::Nanoseconds(budget_ns_); }
  bool expired() const;
  // Records a host-side expiry (the watchdog's); the first expiry wins.
  void ExpireFromHost(int layer, int peer);
  // OK, or DeadlineExceeded naming the layer, the peer and who saw it.
  absl::Status Check() const;

 private:
  DeviceBuffer record_;          // DeadlineRecord, mapped host
  DeviceBuffer device_expired_;  // int32_t, device memory
  uint64_t budget_ns_ = 0;
};

}  // namespace padgraph
