// Per-layer byte accounting and work for one step (policy.h, Note [Wire bytes]). Shared by
// PlanStep and by `auto`, which prices candidate plans every step, so nothing here allocates.
#pragma once

#include <cstdint>

#include "padgraph/padding_policy/cost_model.h"
#include "padgraph/padding_policy/model_spec.h"
#include "padgraph/padding_policy/parallel_config.h"
#include "padgraph/padding_policy/step_plan.h"

namespace padgraph::padding_policy_internal {

// The counts the accounting needs. Without the agreed vector (`global_known` false) the other
// ranks' rows are unknown: masked GEMMs and routed tokens are then priced at their worst case
// (every rank filling this rank's bucket).
struct StepCounts {
  int64_t rank_tokens = 0;
  int64_t sum_tokens = 0;
  int64_t max_tokens = 0;
  bool global_known = false;
};

StepCounts CountsOf(const StepShape& shape);

struct LayerTraffic {
  int64_t wire_bytes = 0;
  int64_t padded_wire_bytes = 0;
  LayerWork work;
};

LayerTraffic AccountLayer(const ModelSpec& model, const ParallelConfig& config,
                          const LayerShape& shape, const StepCounts& counts);

}  // namespace padgraph::padding_policy_internal
