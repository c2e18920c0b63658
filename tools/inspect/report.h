// padgraph-inspect's output: every requested policy planned for every rank on the given counts,
// rendered as tables or JSON. The JSON field names and value sets are those of step_plan.h.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "inspect/options.h"
#include "padgraph/padding_policy/step_plan.h"

namespace padgraph::inspect {

struct PolicyReport {
  PolicyKind kind = PolicyKind::kMax;
  absl::Status validity;  // Validate's verdict; an invalid policy has no plans
  bool needs_agreement = false;
  std::vector<StepPlan> ranks;  // the ranks asked for, in rank order
};

// Plans every policy of `options` (each rank with the full token vector as the agreed one).
absl::StatusOr<std::vector<PolicyReport>> BuildReports(const InspectOptions& options);

// Per policy, one line of totals per rank (and with a single rank its per-layer table, equal
// layers grouped), then a summary with one row per policy.
std::string RenderTable(const InspectOptions& options, const std::vector<PolicyReport>& reports);

// {"config", "tokens", "plans": [{"policy", "valid", "error", "needs_agreement", "ranks": [...]}]}
std::string RenderJson(const InspectOptions& options, const std::vector<PolicyReport>& reports);

}  // namespace padgraph::inspect
