// padgraph-inspect's inputs: the raw flag strings (from the command line and an optional JSON
// config file) and their parsed, validated form. Every value is parsed here, so every bad one gets
// a message naming the flag and the limit.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "padgraph/padding_policy/cost_model.h"
#include "padgraph/padding_policy/model_spec.h"
#include "padgraph/padding_policy/parallel_config.h"
#include "padgraph/padding_policy/step_plan.h"

namespace padgraph::inspect {

enum class Format { kTable, kJson };

struct InspectOptions {
  std::string preset;
  ModelSpec model;
  ParallelConfig config;
  std::vector<int> tokens;  // one count per rank, the agreed vector every rank plans with
  std::optional<int> rank;  // one rank (with its per-layer table), or every rank
  std::vector<PolicyKind> policies;
  Format format = Format::kTable;
  CostModel cost_model;
};

// One field's text and where it came from ("--world", or "world in cfg.json"), for messages.
struct RawValue {
  std::string text;
  std::string origin;
};
// Field names (the flag names without dashes) mapped to their values. `--config` names a JSON
// file holding any of the other fields; values given on the command line win.
using RawFlags = std::map<std::string, RawValue>;

// The fields the inspector reads, in --help order.
const std::vector<std::string>& FlagNames();

// Reads `path` (a JSON object with the fields of FlagNames but config) into raw strings, then
// overlays `command_line`. Errors name the file and the field.
absl::StatusOr<RawFlags> MergeConfigFile(const std::string& path, const RawFlags& command_line);

// Parses and validates every field; unset ones take the defaults --help documents.
absl::StatusOr<InspectOptions> ParseOptions(const RawFlags& flags);

}  // namespace padgraph::inspect
