// Capture, selection, staging slots and launch on CUDA.
#include "padgraph/graph_runtime/cuda_runner.h"

#include <algorithm>
#include <chrono>

#include "fmt/format.h"
#include "padgraph/padding_policy/status_macros.h"
#include "staging_kernel.cuh"

namespace padgraph {

using graph_runtime_internal::kSlotHeaderBytes;

absl::StatusOr<std::unique_ptr<CudaGraphRunner>> CudaGraphRunner::Create(
    std::unique_ptr<Policy> policy, cudaStream_t stream, StagingBuffer staging, Forward forward,
    Stage stage) {
  if (policy == nullptr || stream == nullptr || !forward || !stage) {
    return absl::InvalidArgumentError(
        "CudaGraphRunner needs a policy, the engine's stream, a forward and a stage hook");
  }
  if (staging.device == nullptr || staging.bytes == 0 || staging.bytes > kMaxStagingBytes ||
      reinterpret_cast<uintptr_t>(staging.device) % 16 != 0) {
    return absl::InvalidArgumentError(
        fmt::format("staging.bytes {} must be in [1, {}] with a 16-byte aligned staging.device",
                    staging.bytes, kMaxStagingBytes));
  }
  auto runner = std::unique_ptr<CudaGraphRunner>(new CudaGraphRunner(
      std::move(policy), stream, staging, std::move(forward), std::move(stage)));
  PADGRAPH_ASSIGN_OR_RETURN(runner->ring_,
                            DeviceBuffer::Allocate(kStagingSlots * runner->slot_stride(),
                                                   DeviceBuffer::Where::kMappedHost));
  PADGRAPH_ASSIGN_OR_RETURN(runner->run_counter_, DeviceBuffer::Allocate(sizeof(int64_t)));
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaMemsetAsync(runner->run_counter_.data(), 0, sizeof(int64_t), stream));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
  for (CudaEvent& event : runner->run_events_) {
    PADGRAPH_ASSIGN_OR_RETURN(event, MakeEvent());
  }
  return runner;
}

size_t CudaGraphRunner::slot_stride() const {
  return kSlotHeaderBytes + (staging_.bytes + 15) / 16 * 16;
}

absl::Status CudaGraphRunner::LaunchStagingKernel() {
  PADGRAPH_CUDA_RETURN_IF_ERROR(graph_runtime_internal::LaunchStaging(
      ring_.data<unsigned char>(), slot_stride(), kStagingSlots, run_counter_.data<int64_t>(),
      staging_.device, stream_));
  return absl::OkStatus();
}

absl::Status CudaGraphRunner::Capture(const std::function<void(const CaptureReport&)>& progress) {
  if (!graphs_.empty()) return absl::FailedPreconditionError("Capture was already called");
  for (const GraphKey& key : policy_->CaptureKeys()) {  // largest first
    PADGRAPH_ASSIGN_OR_RETURN(KeyPlan plan, policy_->Plan(key));
    CudaForwardArgs args{.mode = StepMode::kGraph,
                         .key = key,
                         .layers = plan.layers,
                         .stream = stream_,
                         .warm_up = true};
    // Warm-up, without the staging kernel: cuBLAS chooses its kernels and every collective runs
    // once before capture.
    PADGRAPH_RETURN_IF_ERROR(forward_(args));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream_));

    size_t free_before = 0, free_after = 0, total = 0;
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemGetInfo(&free_before, &total));
    auto start = std::chrono::steady_clock::now();
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal));
    args.capturing = true;
    args.warm_up = false;
    absl::Status captured = LaunchStagingKernel();
    if (captured.ok()) captured = forward_(args);
    cudaGraph_t raw_graph = nullptr;
    cudaError_t end_status = cudaStreamEndCapture(stream_, &raw_graph);
    CudaGraph graph(raw_graph);
    PADGRAPH_RETURN_IF_ERROR(captured);
    PADGRAPH_CUDA_RETURN_IF_ERROR(end_status);
    cudaGraphExec_t raw_exec = nullptr;
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphInstantiate(&raw_exec, graph.get(), 0));
    CudaGraphExec exec(raw_exec);
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphUpload(exec.get(), stream_));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream_));
    auto end = std::chrono::steady_clock::now();
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemGetInfo(&free_after, &total));

    CaptureReport report{
        .key = key,
        .capture_ms = std::chrono::duration<double, std::milli>(end - start).count(),
        .device_bytes = static_cast<int64_t>(free_before) - static_cast<int64_t>(free_after)};
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphGetNodes(graph.get(), nullptr, &report.nodes));
    captures_.push_back(report);
    if (progress) progress(report);
    graphs_.emplace(key, std::move(exec));
    plans_.emplace(key, std::move(plan));
  }
  return absl::OkStatus();
}

absl::Status CudaGraphRunner::StageNext(StageArgs args) {
  const int64_t run = staged_runs_;
  // The slot was last read by run - kStagingSlots; the event recorded after the first
  // kEventEverySteps boundary at or past that run tells when it has been.
  const int64_t previous = run - kStagingSlots;
  if (previous > confirmed_started_) {
    const int64_t marked = previous | (kEventEverySteps - 1);
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaEventSynchronize(run_events_[(marked / kEventEverySteps) % run_events_.size()].get()));
    confirmed_started_ = marked;
  }
  unsigned char* slot = ring_.data<unsigned char>() + (run % kStagingSlots) * slot_stride();
  args.staging = slot + kSlotHeaderBytes;
  args.staging_capacity = staging_.bytes;
  PADGRAPH_ASSIGN_OR_RETURN(size_t bytes, stage_(args));
  if (bytes > staging_.bytes) {
    return absl::InternalError(
        fmt::format("the stage hook wrote {} bytes into a {}-byte slot", bytes, staging_.bytes));
  }
  *reinterpret_cast<uint64_t*>(slot) = bytes;
  ++staged_runs_;
  return absl::OkStatus();
}

absl::Status CudaGraphRunner::Launched() {
  const int64_t run = staged_runs_ - 1;
  if (run % kEventEverySteps == kEventEverySteps - 1) {
    PADGRAPH_CUDA_RETURN_IF_ERROR(
        cudaEventRecord(run_events_[(run / kEventEverySteps) % run_events_.size()].get(), stream_));
  }
  return absl::OkStatus();
}

absl::Status CudaGraphRunner::StageGraphShaped(const StepShape& shape,
                                               const KeySelection& selection) {
  return StageNext(StageArgs{.shape = &shape,
                             .selection = &selection,
                             .chunk_rows = shape.local_tokens,
                             .chunk_counts = shape.agreed_tokens,
                             .dispatch_rows = StagesPaddedCount(selection)
                                                  ? selection.key.local_bucket
                                                  : shape.local_tokens});
}

absl::Status CudaGraphRunner::Step(const StepShape& shape) {
  if (graphs_.empty()) return absl::FailedPreconditionError("Step before Capture");
  PADGRAPH_ASSIGN_OR_RETURN(KeySelection selection, policy_->SelectKey(shape));
  stats_.last_mode = selection.mode;
  if (selection.mode == StepMode::kEager) return RunEager(shape, selection);
  auto graph = graphs_.find(selection.key);
  if (graph == graphs_.end()) {
    return absl::InternalError(
        fmt::format("no graph captured for key {}", GraphKeyString(selection.key)));
  }
  PADGRAPH_RETURN_IF_ERROR(StageGraphShaped(shape, selection));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(graph->second.get(), stream_));
  PADGRAPH_RETURN_IF_ERROR(Launched());
  ++stats_.graph_launches;
  stats_.last_key = selection.key;
  return absl::OkStatus();
}

absl::Status CudaGraphRunner::StepWithoutGraph(const StepShape& shape) {
  PADGRAPH_ASSIGN_OR_RETURN(KeySelection selection, policy_->SelectKey(shape));
  if (selection.mode == StepMode::kEager) {
    return absl::FailedPreconditionError("StepWithoutGraph: this step has no graph-shaped plan");
  }
  auto plan = plans_.find(selection.key);
  if (plan == plans_.end()) return absl::FailedPreconditionError("StepWithoutGraph before Capture");
  PADGRAPH_RETURN_IF_ERROR(StageGraphShaped(shape, selection));
  PADGRAPH_RETURN_IF_ERROR(LaunchStagingKernel());
  PADGRAPH_RETURN_IF_ERROR(forward_(CudaForwardArgs{.mode = StepMode::kGraph,
                                                    .key = selection.key,
                                                    .layers = plan->second.layers,
                                                    .stream = stream_}));
  PADGRAPH_RETURN_IF_ERROR(Launched());
  ++stats_.uncaptured_runs;
  return absl::OkStatus();
}

absl::Status CudaGraphRunner::RunEager(const StepShape& shape, const KeySelection& selection) {
  const ParallelConfig& config = policy_->config();
  const std::vector<EagerChunk> chunks = EagerChunks(config, selection, shape.agreed_tokens);
  for (int index = 0; index < static_cast<int>(chunks.size()); ++index) {
    const EagerChunk& chunk = chunks[index];
    const int rows = chunk.counts[shape.rank];
    PADGRAPH_RETURN_IF_ERROR(StageNext(EagerStageArgs(shape, selection, index, chunk)));
    PADGRAPH_RETURN_IF_ERROR(LaunchStagingKernel());
    std::vector<LayerShape> layers =
        EagerLayerShapes(policy_->model(), config, rows, chunk.total_rows);
    PADGRAPH_RETURN_IF_ERROR(
        forward_(CudaForwardArgs{.mode = StepMode::kEager, .layers = layers, .stream = stream_}));
    PADGRAPH_RETURN_IF_ERROR(Launched());
    ++stats_.eager_chunks;
  }
  ++stats_.eager_steps;
  return absl::OkStatus();
}

absl::Status CudaGraphRunner::Synchronize() {
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream_));
  return absl::OkStatus();
}

}  // namespace padgraph
