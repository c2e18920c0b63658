// The CUDA graph runner engines embed. It runs on the engine's own stream: the forward callback
// is captured once per GraphKey the policy can select, largest bucket first, in thread-local
// capture mode, after one uncaptured warm-up run of the same plan (cuBLAS picks its kernels and
// every collective runs once eagerly before capture). Every Step selects a key without
// allocating, hands the engine's staging hook a staging slot, and launches the graph; a step no
// graph serves runs the real rows eagerly on every rank (rule 4) and launches no graph.
//
// Note [Staging slots]
// Staging copies host memory to the device on the stream, so the host memory must not change
// until that copy has run. With at least one Step queued behind another (engines queue many), one
// host buffer is not enough: the runner hands out kStagingSlots slots in turn and, before handing
// a slot out again, waits for the event recorded after the replay that last used it. The wait
// only blocks when the host runs kStagingSlots steps ahead of the device.
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
};

struct CaptureReport {
  GraphKey key;
  double capture_ms = 0;     // warm-up excluded: capture and instantiation
  int64_t device_bytes = 0;  // cudaMemGetInfo delta across capture and instantiation
  size_t nodes = 0;
};

struct CudaRunnerStats {
  int64_t graph_launches = 0;
  int64_t uncaptured_runs = 0;  // graph-shaped runs launched kernel by kernel
  int64_t eager_steps = 0;
  int64_t eager_chunks = 0;
  StepMode last_mode = StepMode::kGraph;
  GraphKey last_key;
};

class CudaGraphRunner {
 public:
  static constexpr int kStagingSlots = 64;

  using Forward = std::function<absl::Status(const CudaForwardArgs&)>;
  using Stage = std::function<absl::Status(const StageArgs&)>;

  // `stream` is the engine's; it outlives the runner.
  static absl::StatusOr<std::unique_ptr<CudaGraphRunner>> Create(std::unique_ptr<Policy> policy,
                                                                 cudaStream_t stream,
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
  const CudaRunnerStats& stats() const { return stats_; }
  const std::vector<CaptureReport>& captures() const { return captures_; }

 private:
  CudaGraphRunner(std::unique_ptr<Policy> policy, cudaStream_t stream, Forward forward, Stage stage)
      : policy_(std::move(policy)),
        stream_(stream),
        forward_(std::move(forward)),
        stage_(std::move(stage)) {}

  // The next staging slot, once the replay that last used it has run.
  absl::StatusOr<int> AcquireSlot();
  absl::Status ReleaseSlot(int slot);
  absl::Status StageGraph(const StepShape& shape, const KeySelection& selection, int slot);
  absl::Status RunEager(const StepShape& shape, const KeySelection& selection);

  std::unique_ptr<Policy> policy_;
  cudaStream_t stream_;
  Forward forward_;
  Stage stage_;
  absl::flat_hash_map<GraphKey, CudaGraphExec> graphs_;
  absl::flat_hash_map<GraphKey, KeyPlan> plans_;
  std::vector<CaptureReport> captures_;
  std::array<CudaEvent, kStagingSlots> slot_done_;
  int64_t next_slot_ = 0;
  CudaRunnerStats stats_;
};

}  // namespace padgraph
