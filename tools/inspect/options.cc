// Parsing and validation of padgraph-inspect's flags and config file.
#include "inspect/options.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "absl/status/status.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "nlohmann/json.hpp"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph::inspect {
namespace {

using Json = nlohmann::json;

constexpr int kDefaultWorld = 8;
constexpr int kDefaultTokensPerRank = 8;
constexpr int64_t kMaxTokensPerRank = std::numeric_limits<int>::max();

absl::StatusOr<std::string> ReadFile(const std::string& path, std::string_view flag) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(fmt::format("{}: cannot read '{}'", flag, path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<int64_t> ParseInt(std::string_view text, std::string_view origin) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return absl::InvalidArgumentError(fmt::format("{}: '{}' is not an integer", origin, text));
  }
  return value;
}

absl::StatusOr<int> ParseIntIn(const RawValue& raw, int64_t min, int64_t max) {
  PADGRAPH_ASSIGN_OR_RETURN(int64_t value, ParseInt(raw.text, raw.origin));
  if (value < min || value > max) {
    return absl::InvalidArgumentError(
        fmt::format("{} {} is out of range [{}, {}]", raw.origin, value, min, max));
  }
  return static_cast<int>(value);
}

// A comma-separated list of integers, each in [min, max].
absl::StatusOr<std::vector<int>> ParseIntList(const RawValue& raw, int64_t min, int64_t max) {
  std::vector<int> values;
  std::string_view rest = raw.text;
  if (rest.empty()) return absl::InvalidArgumentError(fmt::format("{} is empty", raw.origin));
  while (true) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    std::string origin = fmt::format("{} entry {}", raw.origin, values.size());
    PADGRAPH_ASSIGN_OR_RETURN(int64_t value, ParseInt(item, origin));
    if (value < min || value > max) {
      return absl::InvalidArgumentError(
          fmt::format("{} is {}, out of range [{}, {}]", origin, value, min, max));
    }
    values.push_back(static_cast<int>(value));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return values;
}

// The text a JSON config value stands for on the command line.
absl::StatusOr<std::string> JsonToFlagText(const Json& value, std::string_view origin) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: {} is not an integer", origin, value.dump()));
  }
  if (value.is_array()) {
    std::vector<std::string> items;
    for (const Json& item : value) {
      if (!item.is_number_integer()) {
        return absl::InvalidArgumentError(
            fmt::format("{}: entry {} is not an integer", origin, item.dump()));
      }
      items.push_back(std::to_string(item.get<int64_t>()));
    }
    return fmt::format("{}", fmt::join(items, ","));
  }
  return absl::InvalidArgumentError(
      fmt::format("{}: expected a string, an integer or a list of integers", origin));
}

}  // namespace

const std::vector<std::string>& FlagNames() {
  static const auto* names = new std::vector<std::string>{
      "preset",  "config", "world",          "dp",          "dense_tp",
      "lm_head", "moe",    "gather_backend", "ep_capacity", "buckets",
      "tokens",  "rank",   "policy",         "format",      "cost_model"};
  return *names;
}

absl::StatusOr<RawFlags> MergeConfigFile(const std::string& path, const RawFlags& command_line) {
  PADGRAPH_ASSIGN_OR_RETURN(std::string text, ReadFile(path, "--config"));
  Json root = Json::parse(text, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return absl::InvalidArgumentError(
        fmt::format("--config: '{}' is not a JSON object of inspector fields", path));
  }
  RawFlags merged;
  for (const auto& [key, value] : root.items()) {
    std::string origin = fmt::format("{} in {}", key, path);
    bool known = std::find(FlagNames().begin(), FlagNames().end(), key) != FlagNames().end();
    if (!known || key == "config") {
      return absl::InvalidArgumentError(
          fmt::format("--config: unknown field '{}' in {} (known: {})", key, path,
                      fmt::join(FlagNames().begin() + 2, FlagNames().end(), ", ")));
    }
    PADGRAPH_ASSIGN_OR_RETURN(std::string flag_text, JsonToFlagText(value, origin));
    merged[key] = {flag_text, origin};
  }
  for (const auto& [key, value] : command_line)
    merged[key] = value;
  return merged;
}

absl::StatusOr<InspectOptions> ParseOptions(const RawFlags& flags) {
  auto get = [&flags](const std::string& name) -> const RawValue* {
    auto it = flags.find(name);
    return it == flags.end() ? nullptr : &it->second;
  };
  InspectOptions options;

  options.preset = get("preset") ? get("preset")->text : "deepseek-v3";
  absl::StatusOr<ModelSpec> model = ModelPreset(options.preset);
  if (!model.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: {}", get("preset") ? get("preset")->origin : "--preset",
                    std::string(model.status().message())));
  }
  options.model = *std::move(model);

  ParallelConfig& config = options.config;
  if (const RawValue* tokens = get("tokens")) {
    PADGRAPH_ASSIGN_OR_RETURN(options.tokens, ParseIntList(*tokens, 0, kMaxTokensPerRank));
  }
  if (const RawValue* world = get("world")) {
    PADGRAPH_ASSIGN_OR_RETURN(config.world, ParseIntIn(*world, 1, kMaxWorld));
  } else {
    config.world = options.tokens.empty() ? kDefaultWorld : static_cast<int>(options.tokens.size());
  }
  if (options.tokens.empty()) {
    options.tokens.assign(config.world, kDefaultTokensPerRank);
  } else if (static_cast<int>(options.tokens.size()) != config.world) {
    return absl::InvalidArgumentError(fmt::format(
        "{} has {} entries but {} is {}; give one count per rank", get("tokens")->origin,
        options.tokens.size(), get("world")->origin, config.world));
  }
  config.dp = config.world;
  if (const RawValue* dp = get("dp")) {
    PADGRAPH_ASSIGN_OR_RETURN(config.dp, ParseIntIn(*dp, 1, kMaxWorld));
  }
  if (const RawValue* dense_tp = get("dense_tp")) {
    PADGRAPH_ASSIGN_OR_RETURN(config.dense_tp, ParseIntIn(*dense_tp, 1, kMaxWorld));
  }
  if (const RawValue* lm_head = get("lm_head")) {
    PADGRAPH_ASSIGN_OR_RETURN(config.lm_head, ParseLmHeadMode(lm_head->text, lm_head->origin));
  }
  if (const RawValue* moe = get("moe")) {
    PADGRAPH_ASSIGN_OR_RETURN(config.moe, ParseMoeBackend(moe->text, moe->origin));
  }
  if (const RawValue* gather = get("gather_backend")) {
    PADGRAPH_ASSIGN_OR_RETURN(config.gather_backend,
                              ParseGatherBackend(gather->text, gather->origin));
  }
  if (const RawValue* capacity = get("ep_capacity")) {
    PADGRAPH_ASSIGN_OR_RETURN(config.ep_capacity, ParseIntIn(*capacity, 1, kMaxEpCapacity));
  }
  if (const RawValue* buckets = get("buckets")) {
    PADGRAPH_ASSIGN_OR_RETURN(config.buckets, ParseIntList(*buckets, 1, kMaxBucket));
  }
  if (absl::Status valid = ValidateConfig(config, options.model); !valid.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("invalid config: {}", std::string(valid.message())));
  }

  if (const RawValue* rank = get("rank"); rank && rank->text != "all") {
    PADGRAPH_ASSIGN_OR_RETURN(options.rank, ParseIntIn(*rank, 0, config.world - 1));
  }
  const RawValue* policy = get("policy");
  if (!policy || policy->text == "all") {
    options.policies.assign(std::begin(kAllPolicies), std::end(kAllPolicies));
  } else {
    PADGRAPH_ASSIGN_OR_RETURN(PolicyKind kind, ParsePolicyKind(policy->text, policy->origin));
    options.policies = {kind};
  }
  if (const RawValue* format = get("format")) {
    if (format->text == "json") {
      options.format = Format::kJson;
    } else if (format->text != "table") {
      return absl::InvalidArgumentError(
          fmt::format("{} '{}' is not one of table | json", format->origin, format->text));
    }
  }
  if (const RawValue* cost = get("cost_model")) {
    PADGRAPH_ASSIGN_OR_RETURN(std::string text, ReadFile(cost->text, cost->origin));
    absl::StatusOr<CostModel> cost_model = CostModel::FromJson(text);
    if (!cost_model.ok()) {
      return absl::InvalidArgumentError(fmt::format("{} '{}': {}", cost->origin, cost->text,
                                                    std::string(cost_model.status().message())));
    }
    options.cost_model = *cost_model;
  }
  return options;
}

}  // namespace padgraph::inspect
