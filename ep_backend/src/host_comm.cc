// The host communicator's rendezvous and its mismatch checks.
#include "padgraph/ep_backend/host_comm.h"

#include <chrono>

#include "fmt/format.h"
#include "fmt/ranges.h"

namespace padgraph {
namespace {

std::string Describe(const HostOpDesc& desc) {
  return fmt::format("{} (layer {}, {} elements, {}, key {})", HostOpKindName(desc.kind),
                     desc.layer, desc.elements, StepModeName(desc.mode),
                     desc.key ? GraphKeyString(*desc.key) : "none");
}

}  // namespace

std::string_view HostOpKindName(HostOpKind kind) {
  switch (kind) {
    case HostOpKind::kAllGather:
      return "all_gather";
    case HostOpKind::kReduceScatter:
      return "reduce_scatter";
    case HostOpKind::kAllReduce:
      return "all_reduce";
    case HostOpKind::kSendRecv:
      return "send_recv";
    case HostOpKind::kLsaGather:
      return "lsa_gather";
    case HostOpKind::kLsaReduce:
      return "lsa_reduce";
    case HostOpKind::kDispatch:
      return "dispatch";
    case HostOpKind::kCombine:
      return "combine";
  }
  return "unknown";
}

bool IsHostApi(HostOpKind kind) {
  return kind == HostOpKind::kAllGather || kind == HostOpKind::kReduceScatter ||
         kind == HostOpKind::kAllReduce || kind == HostOpKind::kSendRecv;
}

HostWorld::HostWorld(int world, absl::Duration timeout)
    : world_(world),
      timeout_(timeout),
      posted_(world),
      payloads_(world, nullptr),
      present_(world, false),
      op_index_(world, 0),
      counters_(world) {}

absl::Status HostWorld::error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

absl::Status HostWorld::CheckDescriptions() const {
  const HostOpDesc& first = posted_[0];
  for (int rank = 1; rank < world_; ++rank) {
    const HostOpDesc& other = posted_[rank];
    bool same = other.kind == first.kind && other.layer == first.layer && other.mode == first.mode;
    if (same && IsHostApi(first.kind)) {
      same = other.elements == first.elements && other.key == first.key;
    }
    if (!same) {
      return absl::FailedPreconditionError(fmt::format(
          "collective mismatch at operation #{}: rank 0 issued {} but rank {} issued {}",
          op_index_[0], Describe(first), rank, Describe(other)));
    }
  }
  return absl::OkStatus();
}

absl::Status HostWorld::WaitForAll(std::unique_lock<std::mutex>& lock, int rank, int& arrived,
                                   int64_t& generation, std::string_view phase) {
  const int64_t mine = generation;
  if (++arrived == world_) {
    arrived = 0;
    ++generation;
    cv_.notify_all();
    return error_;
  }
  auto deadline = std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(timeout_);
  while (generation == mine && error_.ok()) {
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && generation == mine &&
        error_.ok()) {
      // Posting marks a rank present; finishing its read clears the mark.
      const bool posting = phase == "post";
      std::vector<int> missing;
      for (int r = 0; r < world_; ++r) {
        if (present_[r] != posting) missing.push_back(r);
      }
      error_ = absl::DeadlineExceededError(fmt::format(
          "rank {} waited {} at operation #{} ({}); ranks [{}] did not arrive", rank,
          absl::FormatDuration(timeout_), op_index_[rank], phase, fmt::join(missing, ", ")));
      cv_.notify_all();
    }
  }
  return error_;
}

absl::Status HostWorld::Rendezvous(
    int rank, const HostOpDesc& desc, const void* payload,
    absl::FunctionRef<void(absl::Span<const void* const>)> read_peers) {
  std::vector<const void*> peers;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!error_.ok()) return error_;
    posted_[rank] = desc;
    payloads_[rank] = payload;
    present_[rank] = true;
    if (posted_count_ + 1 == world_) {
      absl::Status mismatch = CheckDescriptions();
      if (!mismatch.ok()) {
        error_ = mismatch;
        cv_.notify_all();
        return error_;
      }
    }
    if (absl::Status status = WaitForAll(lock, rank, posted_count_, posted_generation_, "post");
        !status.ok()) {
      return status;
    }
    peers = payloads_;
  }
  read_peers(peers);
  std::unique_lock<std::mutex> lock(mu_);
  present_[rank] = false;
  ++op_index_[rank];
  return WaitForAll(lock, rank, finished_count_, finished_generation_, "read");
}

}  // namespace padgraph
