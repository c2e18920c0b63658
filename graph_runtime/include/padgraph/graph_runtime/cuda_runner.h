// The CUDA graph runner engines embed. It runs on the engine's own stream: the forward callback
// is captured once per GraphKey the policy can select, largest bucket first, in thread-local
// capture mode, after one uncaptured warm-up run of the same plan (cuBLAS picks its kernels and
// every collective runs once eagerly before capture). Every Step selects a key without
// allocating, lets the engine's staging hook write the step's inputs into a host staging slot,
// and launches the graph; a step no graph serves runs the real rows eagerly on every rank (rule 4)
// and launches no graph.
//
// Note [Staging slots]
// The step's inputs (token ids, positions, page tables, counts: whatever static buffers the engine
// registers) reach the device without a copy call per step: each captured graph begins with a
// one-block kernel that reads the next slot of a ring of mapped pinned host memory, picked by a
// step counter kept on the device, into the engine's registered device buffers (a slot holds a
// byte count per buffer, then each buffer's bytes). The host writes slot k for its k-th staged
// run (a graph replay,
// an uncaptured run or an eager chunk: each runs the staging kernel exactly once, warm-ups none),
// so host and device agree on the slot without talking. A slot may be rewritten only after the
// run that read it has started on the device: the runner records an event every
// kEventEverySteps runs and, before reusing a slot, waits on the event recorded after the run
// that last used it, which only blocks when the host is kStagingSlots runs ahead. Per step the
// host pays for the hook's stores and one graph launch.
//
// Note [Watchdog]
// Two kinds of wait can hang when a peer never arrives (rule 3). Device-side waits (the device-API
// backends) bound themselves against the runner's Deadline (deadline.h), whose view the forward
// gets. Host-API NCCL collectives wait inside NCCL kernels; the runner bounds the only host waits
// it makes, Synchronize and the slot-reuse wait, by polling an event against the same budget. Past
// it, the runner records the expiry and aborts the engine's communicator: ncclCommAbort raises
// NCCL's abort flag, which every NCCL kernel polls, so the stuck collective and every later one in
// the graph exit at once. ncclCommRevoke does not serve here: it lowers the flag again once NCCL's
// own streams are idle, and the graph's later collectives then hang. ncclCommAbort returns only
// once no graph holds the communicator, so it runs on a thread of the runner's, which the runner's
// destructor joins after destroying its graphs. The step's results are undefined; Synchronize
// returns DeadlineExceeded, and so does every later Step and Synchronize: only teardown is left.
// Destroy the runner, then forget the communicator (NCCL frees it: NcclComm::ReleaseAborted);
// `communicator_aborted()` tells. Waits the engine makes on its own stream are not watched: use
// Synchronize.
//
// Note [Graph launch cost]
// A graph of kernel nodes in one chain launches in a few microseconds however many nodes it has
// (deepseek-v3-small: 898 kernels, about 5 us of host time). NCCL by default captures each
// collective with an event fork and join to a stream of its own (so graphs and uncaptured NCCL
// work may be in flight together): the graph is no longer a chain, and its launch cost grows with
// its nodes (measured: 1,130 kernels and 117 other nodes, 260-360 us a launch on 2 and 4 H100).
// A runner's collectives all go in order on the engine's one stream, so that mixing is never
// needed: run with NCCL_GRAPH_MIXING_SUPPORT=0 (read when a communicator is created). Capture
// reports each graph's node kinds; other_nodes > 0 means a graph that is not a chain.
//
// Note [One memory pool]
// The forward allocates nothing while captured: the engine's static buffers (and the stub's) are
// sized for the largest key before Capture, so every graph shares them and no graph owns memory
// of its own beyond its instantiation. Capture reports each graph's capture time and the
// cudaMemGetInfo delta it caused.
#pragma once

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "padgraph/graph_runtime/cuda_handles.h"
#include "padgraph/graph_runtime/deadline.h"
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
  // Device-side waits bound themselves with this (deadline.h).
  DeadlineView deadline;
};

// One of the engine's static device buffers the staging kernel fills before each run.
struct StaticBuffer {
  const char* name = "";   // names the buffer in errors; must outlive the runner (a literal)
  void* device = nullptr;  // 16-byte aligned
  size_t bytes = 0;        // the most a step stages into it
};

struct CudaRunnerOptions {
  // The engine's buffers, in the order the hook's StageArgs::staging lists them: 1 to
  // kMaxStaticBuffers of them, kMaxStagingBytes in all.
  std::vector<StaticBuffer> static_buffers;
  // The engine's communicator, aborted by the watchdog (Note [Watchdog]); may be null when the
  // graphs hold no host-API collective.
  ncclComm_t comm = nullptr;
  absl::Duration wait_budget = Deadline::kDefaultBudget;
  double wait_budget_scale = 1;  // >= 1: for runs under compute-sanitizer
};

struct CaptureReport {
  GraphKey key;
  double capture_ms = 0;     // warm-up excluded: capture and instantiation
  int64_t device_bytes = 0;  // cudaMemGetInfo delta across capture and instantiation
  size_t nodes = 0;
  // Of those: kernels, host callbacks (NCCL adds them for proxy work), memcpy/memset, the rest
  // (event records and waits, child graphs, ...). Host nodes make a launch cost host time.
  size_t kernel_nodes = 0, host_nodes = 0, memory_nodes = 0, other_nodes = 0;
};

class CudaGraphRunner {
 public:
  static constexpr int kStagingSlots = 64;
  static constexpr int kEventEverySteps = 16;
  static constexpr size_t kMaxStagingBytes = size_t{1} << 20;
  static constexpr int kMaxStaticBuffers = 8;

  using Forward = std::function<absl::Status(const CudaForwardArgs&)>;
  // Writes the step's inputs into args.staging's slots, setting each slot's bytes.
  using Stage = std::function<absl::Status(const StageArgs&)>;

  // `stream`, the static buffers and the communicator are the engine's and outlive the runner.
  static absl::StatusOr<std::unique_ptr<CudaGraphRunner>> Create(std::unique_ptr<Policy> policy,
                                                                 cudaStream_t stream,
                                                                 Forward forward, Stage stage,
                                                                 CudaRunnerOptions options);

  // Captures every key the policy can select, largest first; `progress` (may be empty) is told
  // after each graph.
  absl::Status Capture(const std::function<void(const CaptureReport&)>& progress = {});
  // One global step: select, stage, launch. Returns before the device has run it.
  // DeadlineExceeded once a wait has expired (Note [Watchdog]).
  absl::Status Step(const StepShape& shape);
  // The same graph-shaped plan Step would replay, launched kernel by kernel instead (for checking
  // that a replay equals its plan run eagerly, bit for bit).
  absl::Status StepWithoutGraph(const StepShape& shape);
  // Waits for the stream, bounded by the wait budget (Note [Watchdog]).
  absl::Status Synchronize();

  const Policy& policy() const { return *policy_; }
  const Deadline& deadline() const { return deadline_; }
  // The watchdog aborted options.comm: NCCL frees it once the runner is destroyed; the engine must
  // not finalize or destroy it.
  bool communicator_aborted() const { return abort_thread_.joinable(); }

  // Destroys the graphs first, then joins the watchdog's abort (Note [Watchdog]).
  ~CudaGraphRunner();
  const RunnerStats& stats() const { return stats_; }
  const std::vector<CaptureReport>& captures() const { return captures_; }

 private:
  CudaGraphRunner(std::unique_ptr<Policy> policy, cudaStream_t stream, Forward forward, Stage stage,
                  CudaRunnerOptions options)
      : policy_(std::move(policy)),
        stream_(stream),
        forward_(std::move(forward)),
        stage_(std::move(stage)),
        options_(std::move(options)) {}

  size_t slot_stride() const { return slot_stride_; }
  // Polls `event` until it completes or the wait budget runs out; then aborts the communicator.
  absl::Status BoundedWait(cudaEvent_t event);
  CudaForwardArgs ForwardArgs(StepMode mode, absl::Span<const LayerShape> layers) const;
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
  Forward forward_;
  Stage stage_;
  CudaRunnerOptions options_;
  Deadline deadline_;
  std::thread abort_thread_;  // runs ncclCommAbort once a wait expired
  size_t slot_stride_ = 0;
  std::vector<size_t> payload_offsets_;  // each static buffer's bytes within a slot
  std::vector<StagingSlot> slots_;       // handed to the hook each run (no allocation)
  CudaEvent sync_event_;                 // Synchronize's
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
