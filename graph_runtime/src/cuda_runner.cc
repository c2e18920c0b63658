// Capture, selection, staging slots and launch on CUDA.
#include "padgraph/graph_runtime/cuda_runner.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "fmt/format.h"
#include "padgraph/padding_policy/status_macros.h"
#include "staging_kernel.cuh"

namespace padgraph {

using graph_runtime_internal::kSlotHeaderBytes;

absl::StatusOr<std::unique_ptr<CudaGraphRunner>> CudaGraphRunner::Create(
    std::unique_ptr<Policy> policy, cudaStream_t stream, Forward forward, Stage stage,
    CudaRunnerOptions options) {
  if (policy == nullptr || stream == nullptr || !forward || !stage) {
    return absl::InvalidArgumentError(
        "CudaGraphRunner needs a policy, the engine's stream, a forward and a stage hook");
  }
  const std::vector<StaticBuffer>& buffers = options.static_buffers;
  if (buffers.empty() || static_cast<int>(buffers.size()) > kMaxStaticBuffers) {
    return absl::InvalidArgumentError(fmt::format("options.static_buffers has {} buffers: 1 to {}",
                                                  buffers.size(), kMaxStaticBuffers));
  }
  size_t payload = 0;
  std::vector<size_t> offsets;
  for (const StaticBuffer& buffer : buffers) {
    if (buffer.device == nullptr || buffer.bytes == 0 ||
        reinterpret_cast<uintptr_t>(buffer.device) % 16 != 0) {
      return absl::InvalidArgumentError(fmt::format(
          "options.static_buffers '{}': needs a 16-byte aligned device pointer and bytes > 0",
          buffer.name));
    }
    offsets.push_back(kSlotHeaderBytes + payload);
    payload += (buffer.bytes + 15) / 16 * 16;
  }
  if (payload > kMaxStagingBytes) {
    return absl::InvalidArgumentError(
        fmt::format("options.static_buffers stage {} bytes in all, past the limit of {}", payload,
                    kMaxStagingBytes));
  }
  PADGRAPH_ASSIGN_OR_RETURN(Deadline deadline,
                            Deadline::Create(options.wait_budget, options.wait_budget_scale));
  auto runner = std::unique_ptr<CudaGraphRunner>(new CudaGraphRunner(
      std::move(policy), stream, std::move(forward), std::move(stage), std::move(options)));
  runner->deadline_ = std::move(deadline);
  runner->slot_stride_ = kSlotHeaderBytes + payload;
  runner->payload_offsets_ = std::move(offsets);
  for (const StaticBuffer& buffer : runner->options_.static_buffers) {
    runner->slots_.push_back({.name = buffer.name, .capacity = buffer.bytes});
  }
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
  PADGRAPH_ASSIGN_OR_RETURN(runner->sync_event_, MakeEvent());
  return runner;
}

absl::Status CudaGraphRunner::LaunchStagingKernel() {
  graph_runtime_internal::StagingTargets targets;
  targets.count = static_cast<int>(payload_offsets_.size());
  for (int t = 0; t < targets.count; ++t) {
    targets.device[t] = static_cast<unsigned char*>(options_.static_buffers[t].device);
    targets.payload_offset[t] = payload_offsets_[t];
  }
  PADGRAPH_CUDA_RETURN_IF_ERROR(graph_runtime_internal::LaunchStaging(
      ring_.data<unsigned char>(), slot_stride(), kStagingSlots, run_counter_.data<int64_t>(),
      targets, stream_));
  return absl::OkStatus();
}

CudaForwardArgs CudaGraphRunner::ForwardArgs(StepMode mode,
                                             absl::Span<const LayerShape> layers) const {
  return CudaForwardArgs{
      .mode = mode, .layers = layers, .stream = stream_, .deadline = deadline_.view()};
}

absl::Status CudaGraphRunner::BoundedWait(cudaEvent_t event) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto budget = absl::ToChronoNanoseconds(deadline_.budget());
  // Past the budget: abort, then give the aborted kernels one more budget to exit.
  for (int polls = 0;; ++polls) {
    const cudaError_t query = cudaEventQuery(event);
    if (query == cudaSuccess) return deadline_.Check();
    if (query != cudaErrorNotReady) PADGRAPH_CUDA_RETURN_IF_ERROR(query);
    const auto waited = Clock::now() - start;
    if (waited > budget && !deadline_.expired()) {
      deadline_.ExpireFromHost(/*layer=*/-1, /*peer=*/-1);
      if (options_.comm != nullptr && !abort_thread_.joinable()) {
        abort_thread_ = std::thread([comm = options_.comm] { ncclCommAbort(comm); });
      }
    }
    if (waited > 2 * budget) break;
    // Spin briefly (a decode step takes tens of microseconds), then back off to at most 1 ms.
    if (polls >= 64) {
      std::this_thread::sleep_for(
          std::min<Clock::duration>(waited / 16, std::chrono::milliseconds(1)));
    }
  }
  return deadline_.Check();
}

CudaGraphRunner::~CudaGraphRunner() {
  // Work still in flight (a peer that never came) must end before the buffers it uses are freed:
  // the same bounded wait, aborting the communicator on expiry.
  if (!deadline_.expired() && sync_event_ &&
      cudaEventRecord(sync_event_.get(), stream_) == cudaSuccess) {
    (void)BoundedWait(sync_event_.get());
  }
  graphs_.clear();
  if (abort_thread_.joinable()) abort_thread_.join();
}

namespace {

absl::Status CountNodes(cudaGraph_t graph, CaptureReport& report) {
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphGetNodes(graph, nullptr, &report.nodes));
  std::vector<cudaGraphNode_t> nodes(report.nodes);
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphGetNodes(graph, nodes.data(), &report.nodes));
  for (cudaGraphNode_t node : nodes) {
    cudaGraphNodeType type;
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphNodeGetType(node, &type));
    switch (type) {
      case cudaGraphNodeTypeKernel:
        ++report.kernel_nodes;
        break;
      case cudaGraphNodeTypeHost:
        ++report.host_nodes;
        break;
      case cudaGraphNodeTypeMemcpy:
      case cudaGraphNodeTypeMemset:
        ++report.memory_nodes;
        break;
      default:
        ++report.other_nodes;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CudaGraphRunner::Capture(const std::function<void(const CaptureReport&)>& progress) {
  if (!graphs_.empty()) return absl::FailedPreconditionError("Capture was already called");
  for (const GraphKey& key : policy_->CaptureKeys()) {  // largest first
    PADGRAPH_ASSIGN_OR_RETURN(KeyPlan plan, policy_->Plan(key));
    CudaForwardArgs args = ForwardArgs(StepMode::kGraph, plan.layers);
    args.key = key;
    args.warm_up = true;
    // Warm-up, without the staging kernel: cuBLAS chooses its kernels and every collective runs
    // once before capture.
    PADGRAPH_RETURN_IF_ERROR(forward_(args));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream_));

    size_t free_before = 0, free_after = 0, total = 0;
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemGetInfo(&free_before, &total));
    auto start = std::chrono::steady_clock::now();
    args.capturing = true;
    args.warm_up = false;
    PADGRAPH_ASSIGN_OR_RETURN(const CudaGraph graph, CaptureGraph(stream_, [&]() -> absl::Status {
                                PADGRAPH_RETURN_IF_ERROR(LaunchStagingKernel());
                                return forward_(args);
                              }));
    PADGRAPH_ASSIGN_OR_RETURN(CudaGraphExec exec, Instantiate(graph));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphUpload(exec.get(), stream_));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream_));
    auto end = std::chrono::steady_clock::now();
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemGetInfo(&free_after, &total));

    CaptureReport report{
        .key = key,
        .capture_ms = std::chrono::duration<double, std::milli>(end - start).count(),
        .device_bytes = static_cast<int64_t>(free_before) - static_cast<int64_t>(free_after)};
    PADGRAPH_RETURN_IF_ERROR(CountNodes(graph.get(), report));
    captures_.push_back(report);
    if (progress) progress(report);
    graphs_.emplace(key, std::move(exec));
    plans_.emplace(key, std::move(plan));
  }
  // NCCL uploads each captured collective's work on a stream of its own; the first replay must
  // not overtake it.
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaDeviceSynchronize());
  return absl::OkStatus();
}

absl::Status CudaGraphRunner::StageNext(StageArgs args) {
  const int64_t run = staged_runs_;
  // The slot was last read by run - kStagingSlots; the event recorded after the first
  // kEventEverySteps boundary at or past that run tells when it has been.
  const int64_t previous = run - kStagingSlots;
  if (previous > confirmed_started_) {
    const int64_t marked = previous | (kEventEverySteps - 1);
    PADGRAPH_RETURN_IF_ERROR(
        BoundedWait(run_events_[(marked / kEventEverySteps) % run_events_.size()].get()));
    confirmed_started_ = marked;
  }
  unsigned char* slot = ring_.data<unsigned char>() + (run % kStagingSlots) * slot_stride();
  for (size_t t = 0; t < slots_.size(); ++t) {
    slots_[t].host = slot + payload_offsets_[t];
    slots_[t].bytes = 0;
  }
  args.staging = absl::MakeSpan(slots_);
  PADGRAPH_RETURN_IF_ERROR(stage_(args));
  for (size_t t = 0; t < slots_.size(); ++t) {
    if (slots_[t].bytes > slots_[t].capacity) {
      return absl::InternalError(fmt::format("the stage hook wrote {} bytes into '{}' of {} bytes",
                                             slots_[t].bytes, slots_[t].name, slots_[t].capacity));
    }
    reinterpret_cast<uint64_t*>(slot)[t] = slots_[t].bytes;
  }
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
  PADGRAPH_RETURN_IF_ERROR(deadline_.Check());
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
  PADGRAPH_RETURN_IF_ERROR(deadline_.Check());
  PADGRAPH_ASSIGN_OR_RETURN(KeySelection selection, policy_->SelectKey(shape));
  if (selection.mode == StepMode::kEager) {
    return absl::FailedPreconditionError("StepWithoutGraph: this step has no graph-shaped plan");
  }
  auto plan = plans_.find(selection.key);
  if (plan == plans_.end()) return absl::FailedPreconditionError("StepWithoutGraph before Capture");
  PADGRAPH_RETURN_IF_ERROR(StageGraphShaped(shape, selection));
  PADGRAPH_RETURN_IF_ERROR(LaunchStagingKernel());
  CudaForwardArgs args = ForwardArgs(StepMode::kGraph, plan->second.layers);
  args.key = selection.key;
  PADGRAPH_RETURN_IF_ERROR(forward_(args));
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
    PADGRAPH_RETURN_IF_ERROR(forward_(ForwardArgs(StepMode::kEager, layers)));
    PADGRAPH_RETURN_IF_ERROR(Launched());
    ++stats_.eager_chunks;
  }
  ++stats_.eager_steps;
  return absl::OkStatus();
}

absl::Status CudaGraphRunner::Synchronize() {
  PADGRAPH_RETURN_IF_ERROR(deadline_.Check());
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventRecord(sync_event_.get(), stream_));
  return BoundedWait(sync_event_.get());
}

}  // namespace padgraph
