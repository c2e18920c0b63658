// The CUDA graph runner engines embed. It runs on the engine's own stream: the forward callback
// is captured once per GraphKey the policy can select, largest bucket first, in thread-local
// capture mode, after one uncaptured warm-up run of the same plan (cuBLAS picks its kernels and
// every collective runs once eagerly before capture). Every Step selects a key without
// allocating, lets the engine's staging hook write the step's inputs into a host staging slot,
// and launches the graph; a step no graph serves runs the real rows eagerly on every rank (rule 4)
// and launches no graph.
//
// Note [Staging slots]
// The step's inputs (token ids, counts, whatever the engine stages) reach the device without a
// copy call per step: each captured graph begins with a one-block kernel that reads the next slot
// of a ring of mapped pinned host memory, picked by a step counter kept on the device, into the
// engine's device staging buffer. The host writes slot k for its k-th staged run (a graph replay,
// an uncaptured run or an eager chunk: each runs the staging kernel exactly once, warm-ups none),
// so host and device agree on the slot without talking. A slot may be rewritten only after the
// run that read it has started on the device: the runner records an event every
// kEventEverySteps runs and, before reusing a slot, waits on the event recorded after the run
// that last used it, which only blocks when the host is kStagingSlots runs ahead. Per step the
// host pays for the hook's stores and one graph launch.
//
// Note [One memory pool]
// The forward allocates nothing while captured: the engine's static buffers (and the stub's) are
// sized for the largest key before Capture, so every graph shares them and no graph owns memory
// of its own beyond its instantiation. Capture reports each graph's capture time and the
// cudaMemGetInfo delta it caused.
#pragma once

#include <cuda_runtime_api.h>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "padgraph/graph_runtime/cuda_handles.h"
#include "padgraph/graph_runtime/step_args.h"
#include "padgraph/padding_policy/policy.h"

namespace padgraph {

struct CudaForwardArgs {
  StepMode mode = StepMode::kGraph;
  std::optional<GraphKey> key;          // the key whose plan this is (graph-shaped runs)
  absl::Span<const LayerShape> layers;  // the key's plan, or an eager chunk's real-row shapes
  cudaStream_t stream = nullptr;
  bool capturing = false;  // inside stream capture: launch only, no host reads of device data
  // The uncaptured run before a key's capture: its collectives move bytes for no step, so
  // per-step accounting (wire byte counters) leaves it out.
  bool warm_up = false;
};

// The engine's device buffer the staging kernel fills before each run.
struct StagingBuffer {
  void* device = nullptr;
  size_t bytes = 0;  // at most kMaxStagingBytes
};

struct CaptureReport {
  GraphKey key;
  double capture_ms = 0;     // warm-up excluded: capture and instantiation
  int64_t device_bytes = 0;  // cudaMemGetInfo delta across capture and instantiation
  size_t nodes = 0;
};

class CudaGraphRunner {
 public:
  static constexpr int kStagingSlots = 64;
  static constexpr int kEventEverySteps = 16;
  static constexpr size_t kMaxStagingBytes = size_t{1} << 20;

  using Forward = std::function<absl::Status(const CudaForwardArgs&)>;
  // Writes the step's inputs into args.staging and returns how many bytes it wrote.
  using Stage = std::function<absl::StatusOr<size_t>(const StageArgs&)>;

  // `stream` is the engine's and outlives the runner; so does `staging.device`.
  static absl::StatusOr<std::unique_ptr<CudaGraphRunner>> Create(std::unique_ptr<Policy> policy,
                                                                 cudaStream_t stream,
                                                                 StagingBuffer staging,
                                                                 Forward forward, Stage stage);

  // Captures every key the policy can select, largest first; `progress` (may be empty) is told
  // after each graph.
  absl::Status Capture(const std::function<void(const CaptureReport&)>& progress = {});
  // One global step: select, stage, launch. Returns before the device has run it.
  absl::Status Step(const StepShape& shape);
  // The same graph-shaped plan Step would replay, launched kernel by kernel instead (for checking
  // that a replay equals its plan run eagerly, bit for bit).
  absl::Status StepWithoutGraph(const StepShape& shape);
  absl::Status Synchronize();

  const Policy& policy() const { return *policy_; }
  const RunnerStats& stats() const { return stats_; }
  const std::vector<CaptureReport>& captures() const { return captures_; }

 private:
  CudaGraphRunner(std::unique_ptr<Policy> policy, cudaStream_t stream, StagingBuffer staging,
                  Forward forward, Stage stage)
      : policy_(std::move(policy)),
        stream_(stream),
        staging_(staging),
        forward_(std::move(forward)),
        stage_(std::move(stage)) {}

  size_t slot_stride() const;
  // Hands the hook the next slot (once the run that last read it has started) and seals it.
  absl::Status StageNext(StageArgs args);
  // After a staged run is launched: every kEventEverySteps runs, an event for slot reuse.
  absl::Status Launched();
  // The staging kernel: the next slot into the engine's staging buffer.
  absl::Status LaunchStagingKernel();
  absl::Status StageGraphShaped(const StepShape& shape, const KeySelection& selection);
  absl::Status RunEager(const StepShape& shape, const KeySelection& selection);

  std::unique_ptr<Policy> policy_;
  cudaStream_t stream_;
  StagingBuffer staging_;
  Forward forward_;
  Stage stage_;
  DeviceBuffer ring_;         // mapped pinned host: kStagingSlots slots of slot_stride() bytes
  DeviceBuffer run_counter_;  // device: staged runs the device has read
  std::array<CudaEvent, kStagingSlots / kEventEverySteps> run_events_;
  int64_t staged_runs_ = 0;         // host: staged runs handed out
  int64_t confirmed_started_ = -1;  // host: runs known to have been read by the device
  absl::flat_hash_map<GraphKey, CudaGraphExec> graphs_;
  absl::flat_hash_map<GraphKey, KeyPlan> plans_;
  std::vector<CaptureReport> captures_;
  RunnerStats stats_;
};

}  // namespace padgraph
