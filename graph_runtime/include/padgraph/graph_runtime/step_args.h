// What a runner hands the engine's staging hook before each replay or eager chunk; shared by the
// host and CUDA runners.
#pragma once

#include "absl/types/span.h"
#include "padgraph/padding_policy/step_plan.h"

namespace padgraph {

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
  // The staging slot this replay owns: host memory staged into it may be rewritten only when the
  // runner hands the same slot out again, after the replay that read it has run.
  int slot = 0;
};

}  // namespace padgraph
