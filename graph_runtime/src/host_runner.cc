// Capture, key selection, staging and replay on the host backend.
#include "padgraph/graph_runtime/host_runner.h"

#include <algorithm>

#include "fmt/format.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph {

absl::StatusOr<std::unique_ptr<HostGraphRunner>> HostGraphRunner::Create(
    std::unique_ptr<Policy> policy, Forward forward, Stage stage) {
  if (policy == nullptr || !forward || !stage) {
    return absl::InvalidArgumentError("HostGraphRunner needs a policy, a forward and a stage hook");
  }
  return std::unique_ptr<HostGraphRunner>(
      new HostGraphRunner(std::move(policy), std::move(forward), std::move(stage)));
}

absl::Status HostGraphRunner::Capture() {
  if (!graphs_.empty()) return absl::FailedPreconditionError("Capture was already called");
  for (const GraphKey& key : policy_->CaptureKeys()) {
    PADGRAPH_ASSIGN_OR_RETURN(KeyPlan plan, policy_->Plan(key));
    std::vector<HostStream::Op> recording;
    HostStream stream;
    stream.recording_ = &recording;
    PADGRAPH_RETURN_IF_ERROR(forward_(HostForwardArgs{
        .mode = StepMode::kGraph, .key = key, .layers = plan.layers, .stream = &stream}));
    graphs_.emplace(key, std::move(recording));
  }
  return absl::OkStatus();
}

absl::Status HostGraphRunner::Step(const StepShape& shape) {
  if (graphs_.empty()) return absl::FailedPreconditionError("Step before Capture");
  PADGRAPH_ASSIGN_OR_RETURN(KeySelection selection, policy_->SelectKey(shape));
  stats_.last_mode = selection.mode;
  if (selection.mode == StepMode::kEager) return RunEager(shape, selection);

  auto graph = graphs_.find(selection.key);
  if (graph == graphs_.end()) {
    return absl::InternalError(
        fmt::format("no graph captured for key {}", GraphKeyString(selection.key)));
  }
  PADGRAPH_RETURN_IF_ERROR(
      stage_(StageArgs{.shape = &shape,
                       .selection = &selection,
                       .chunk_rows = shape.local_tokens,
                       .chunk_counts = shape.agreed_tokens,
                       .dispatch_rows = StagesPaddedCount(selection) ? selection.key.local_bucket
                                                                     : shape.local_tokens}));
  for (const HostStream::Op& op : graph->second)
    PADGRAPH_RETURN_IF_ERROR(op());
  ++stats_.graph_launches;
  stats_.last_key = selection.key;
  return absl::OkStatus();
}

absl::Status HostGraphRunner::RunEager(const StepShape& shape, const KeySelection& selection) {
  const ParallelConfig& config = policy_->config();
  const std::vector<EagerChunk> chunks = EagerChunks(config, selection, shape.agreed_tokens);
  for (int index = 0; index < static_cast<int>(chunks.size()); ++index) {
    const EagerChunk& chunk = chunks[index];
    const int rows = chunk.counts[shape.rank];
    PADGRAPH_RETURN_IF_ERROR(stage_(EagerStageArgs(shape, selection, index, chunk)));
    std::vector<LayerShape> layers =
        EagerLayerShapes(policy_->model(), config, rows, chunk.total_rows);
    HostStream stream;
    PADGRAPH_RETURN_IF_ERROR(
        forward_(HostForwardArgs{.mode = StepMode::kEager, .layers = layers, .stream = &stream}));
    ++stats_.eager_chunks;
  }
  ++stats_.eager_steps;
  return absl::OkStatus();
}

}  // namespace padgraph
