// The graph runner on the host backend: the CPU twin of the CUDA runner, with the same shape of
// interface. An engine (here the stub model) gives a forward callback and a staging hook; the
// runner captures the forward once per GraphKey the policy can select, largest bucket first, and
// every Step selects a key without allocating, stages the step's rows and replays the recording.
// A step no graph serves runs eagerly on every rank (rule 4), chunked by ep_capacity for the
// all-to-all backends, and launches no graph.
//
// "Capturing" on the host records the operations the forward launches on a HostStream; replaying
// runs them in order. Operations read the staged values at replay time, as a CUDA graph reads
// device memory, so one recording serves every step of its key.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "padgraph/graph_runtime/step_args.h"
#include "padgraph/padding_policy/policy.h"

namespace padgraph {

// Where a forward launches its operations: recorded while capturing, run at once otherwise.
class HostStream {
 public:
  using Op = std::function<absl::Status()>;

  absl::Status Launch(Op op) {
    if (recording_ == nullptr) return op();
    recording_->push_back(std::move(op));
    return absl::OkStatus();
  }
  bool capturing() const { return recording_ != nullptr; }

 private:
  friend class HostGraphRunner;
  std::vector<Op>* recording_ = nullptr;
};

struct HostForwardArgs {
  StepMode mode = StepMode::kGraph;
  std::optional<GraphKey> key;          // graph mode: the key being captured
  absl::Span<const LayerShape> layers;  // the key's plan, or an eager chunk's real-row shapes
  HostStream* stream = nullptr;
};

class HostGraphRunner {
 public:
  using Forward = std::function<absl::Status(const HostForwardArgs&)>;
  using Stage = std::function<absl::Status(const StageArgs&)>;

  static absl::StatusOr<std::unique_ptr<HostGraphRunner>> Create(std::unique_ptr<Policy> policy,
                                                                 Forward forward, Stage stage);

  // Records the forward of every key the policy can select, largest local bucket first.
  absl::Status Capture();
  // One global step; every rank calls it, idle ranks included (rule 5).
  absl::Status Step(const StepShape& shape);

  const Policy& policy() const { return *policy_; }
  const RunnerStats& stats() const { return stats_; }
  size_t graph_count() const { return graphs_.size(); }

 private:
  HostGraphRunner(std::unique_ptr<Policy> policy, Forward forward, Stage stage)
      : policy_(std::move(policy)), forward_(std::move(forward)), stage_(std::move(stage)) {}

  absl::Status RunEager(const StepShape& shape, const KeySelection& selection);

  std::unique_ptr<Policy> policy_;
  Forward forward_;
  Stage stage_;
  absl::flat_hash_map<GraphKey, std::vector<HostStream::Op>> graphs_;
  RunnerStats stats_;
};

}  // namespace padgraph
