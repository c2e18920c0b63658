// What a runner hands the engine's staging hook before each replay or eager chunk, and what it
// reports it has done; shared by the host and CUDA runners.
#pragma once

#include "absl/types/span.h"
#include "padgraph/padding_policy/policy.h"
#include "padgraph/padding_policy/step_plan.h"

namespace padgraph {

// The host side of one registered static buffer in this step's staging slot: `capacity` bytes of
// pinned memory the device reads when the step runs. The hook writes the step's inputs for that
// buffer at `host` and sets `bytes` to how many it wrote (0 leaves the buffer as it was); they
// land in the engine's device buffer before the forward runs.
struct StagingSlot {
  const char* name = "";
  void* host = nullptr;
  size_t capacity = 0;
  size_t bytes = 0;
};

struct StageArgs {
  const StepShape* shape = nullptr;
  const KeySelection* selection = nullptr;
  int chunk = 0;        // eager chunk index (0 in graph mode)
  int chunk_begin = 0;  // this rank's first row of the step in this chunk
  int chunk_rows = 0;   // this rank's real rows in this chunk
  // Every rank's rows in this chunk (the agreed counts); empty when the step has no agreed vector.
  absl::Span<const int> chunk_counts;
  // The MoE dispatch count to stage: chunk_rows, or the bucket under `sum` (StagesPaddedCount).
  int dispatch_rows = 0;
  // CUDA runner only: one StagingSlot per registered static buffer, in registration order
  // (cuda_runner.h, Note [Staging slots]). Empty for the host runner.
  absl::Span<StagingSlot> staging;
};

// The staging of eager chunk `index` of a step: the chunk's real rows, dispatched as they are.
inline StageArgs EagerStageArgs(const StepShape& shape, const KeySelection& selection, int index,
                                const EagerChunk& chunk) {
  const int rows = chunk.counts[shape.rank];
  return StageArgs{.shape = &shape,
                   .selection = &selection,
                   .chunk = index,
                   .chunk_begin = chunk.begin,
                   .chunk_rows = rows,
                   .chunk_counts = chunk.counts,
                   .dispatch_rows = rows};
}

// What a runner has done, for tests and monitoring.
struct RunnerStats {
  int64_t graph_launches = 0;
  int64_t uncaptured_runs = 0;  // graph-shaped plans launched without their graph (CUDA only)
  int64_t eager_steps = 0;
  int64_t eager_chunks = 0;
  StepMode last_mode = StepMode::kGraph;
  GraphKey last_key;
};

}  // namespace padgraph
