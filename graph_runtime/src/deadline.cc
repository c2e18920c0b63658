// The deadline record: allocation, host-side expiry and the status a runner returns after one.
#include "padgraph/graph_runtime/deadline.h"

#include <atomic>
#include <cmath>

#include "fmt/format.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph {

absl::StatusOr<Deadline> Deadline::Create(absl::Duration budget, double scale) {
  if (budget < kMinBudget || budget > kMaxBudget) {
    return absl::InvalidArgumentError(
        fmt::format("deadline budget {} must be in [{}, {}]", absl::FormatDuration(budget),
                    absl::FormatDuration(kMinBudget), absl::FormatDuration(kMaxBudget)));
  }
  if (!(scale >= 1) || !std::isfinite(scale) || budget * scale > kMaxBudget * 100) {
    return absl::InvalidArgumentError(
        fmt::format("deadline scale {} must be >= 1 and keep the budget under {}", scale,
                    absl::FormatDuration(kMaxBudget * 100)));
  }
  Deadline deadline;
  deadline.budget_ns_ = static_cast<uint64_t>(absl::ToInt64Nanoseconds(budget * scale));
  PADGRAPH_ASSIGN_OR_RETURN(
      deadline.record_,
      DeviceBuffer::Allocate(sizeof(DeadlineRecord), DeviceBuffer::Where::kMappedHost));
  *deadline.record_.data<DeadlineRecord>() = DeadlineRecord{};
  PADGRAPH_ASSIGN_OR_RETURN(deadline.device_expired_, DeviceBuffer::Allocate(sizeof(int32_t)));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemset(deadline.device_expired_.data(), 0, sizeof(int32_t)));
  return deadline;
}

bool Deadline::expired() const {
  if (record_.data() == nullptr) return false;
  return std::atomic_ref<int32_t>(record_.data<DeadlineRecord>()->expired)
             .load(std::memory_order_acquire) != 0;
}

void Deadline::ExpireFromHost(int layer, int peer) {
  DeadlineRecord* record = record_.data<DeadlineRecord>();
  if (record == nullptr || expired()) return;
  record->layer = layer;
  record->peer = peer;
  record->source = static_cast<int32_t>(DeadlineSource::kHostWatchdog);
  std::atomic_ref<int32_t>(record->expired).store(1, std::memory_order_release);
}

absl::Status Deadline::Check() const {
  if (!expired()) return absl::OkStatus();
  const DeadlineRecord& record = *record_.data<DeadlineRecord>();
  const std::string peer =
      record.peer >= 0 ? fmt::format("rank {}", record.peer) : std::string("the collective");
  if (record.source == static_cast<int32_t>(DeadlineSource::kPeerExpired)) {
    return absl::DeadlineExceededError(fmt::format(
        "{} reported at layer {} that its own {} budget ran out first; only teardown is allowed "
        "now",
        peer, record.layer, absl::FormatDuration(budget())));
  }
  const bool device = record.source == static_cast<int32_t>(DeadlineSource::kDeviceWait);
  return absl::DeadlineExceededError(fmt::format(
      "{} ran past its {} budget at layer {}, waiting for {}; only teardown is allowed now",
      device ? "a device-side wait" : "a host-API NCCL wait (the communicator was aborted)",
      absl::FormatDuration(budget()), record.layer, peer));
}

}  // namespace padgraph
