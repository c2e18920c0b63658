// Planning every requested policy and rendering the results.
#include "inspect/report.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "fmt/format.h"
#include "fmt/ranges.h"
#include "nlohmann/json.hpp"
#include "padgraph/padding_policy/policy.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph::inspect {
namespace {

using Json = nlohmann::ordered_json;

template <typename... Args>
void Put(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

std::string Bytes(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", value, units[unit]);
}

std::string Percent(int64_t part, int64_t whole) {
  return whole == 0 ? "-" : fmt::format("{:.1f}%", 100.0 * part / whole);
}

// "8 x8, 7 x8": runs of equal counts.
std::string DescribeTokens(const std::vector<int>& tokens) {
  std::vector<std::string> runs;
  for (size_t i = 0; i < tokens.size();) {
    size_t j = i;
    while (j < tokens.size() && tokens[j] == tokens[i])
      ++j;
    runs.push_back(j - i > 1 ? fmt::format("{} x{}", tokens[i], j - i)
                             : fmt::format("{}", tokens[i]));
    i = j;
  }
  return fmt::format("{}", fmt::join(runs, ", "));
}

// "3-60", "0-2,5": sorted decoder layer numbers as ranges.
std::string Ranges(const std::vector<int>& numbers) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < numbers.size();) {
    size_t j = i;
    while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1)
      ++j;
    parts.push_back(j == i ? fmt::format("{}", numbers[i])
                           : fmt::format("{}-{}", numbers[i], numbers[j]));
    i = j + 1;
  }
  return fmt::format("{}", fmt::join(parts, ","));
}

int64_t MoeWire(const StepPlan& plan, bool padded_only) {
  int64_t total = 0;
  for (const LayerPlan& layer : plan.layers) {
    if (layer.shape.kind == LayerKind::kMoe) {
      total += padded_only ? layer.padded_wire_bytes : layer.wire_bytes;
    }
  }
  return total;
}

std::string KeyColumns(const StepPlan& plan) {
  if (!plan.key) return fmt::format("{:>6}  {:<18}", "-", "-");
  std::string gather = plan.key->gather_layout == GatherLayout::kNone
                           ? "none"
                           : fmt::format("{} {}", GatherLayoutName(plan.key->gather_layout),
                                         plan.key->gather_bucket);
  return fmt::format("{:>6}  {:<18}", plan.key->local_bucket, gather);
}

std::string PolicyLabel(const PolicyReport& report) {
  if (report.kind != PolicyKind::kAuto || report.ranks.empty()) {
    return std::string(PolicyKindName(report.kind));
  }
  return fmt::format("auto ({})", PolicyKindName(report.ranks.front().planned_by));
}

void RenderLayers(const StepPlan& plan, std::string& out) {
  struct Group {
    const LayerPlan* first;
    std::vector<int> decoder_layers;
  };
  auto same = [](const LayerPlan& a, const LayerPlan& b) {
    return a.shape.kind == b.shape.kind && a.shape.input_rows == b.shape.input_rows &&
           a.shape.pad_target == b.shape.pad_target && a.shape.collective == b.shape.collective &&
           a.wire_bytes == b.wire_bytes && a.padded_wire_bytes == b.padded_wire_bytes &&
           a.predicted_us == b.predicted_us;
  };
  std::vector<Group> groups;
  for (const LayerPlan& layer : plan.layers) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const Group& group) { return same(*group.first, layer); });
    if (it == groups.end()) {
      groups.push_back({&layer, {}});
      it = std::prev(groups.end());
    }
    if (layer.shape.decoder_layer >= 0) it->decoder_layers.push_back(layer.shape.decoder_layer);
  }
  Put(out, "      {:<18} {:>5} {:>7}  {:<12}  {:<15} {:>10} {:>10} {:>12}\n", "layers", "count",
      "rows", "pad_target", "collective", "wire", "padded", "us/layer");
  for (const Group& group : groups) {
    const LayerShape& shape = group.first->shape;
    std::string name(LayerKindName(shape.kind));
    if (!group.decoder_layers.empty()) name += " " + Ranges(group.decoder_layers);
    size_t count = std::max<size_t>(1, group.decoder_layers.size());
    Put(out, "      {:<18} {:>5} {:>7}  {:<12}  {:<15} {:>10} {:>10} {:>12.1f}\n", name, count,
        shape.input_rows, PadTargetName(shape.pad_target), CollectiveName(shape.collective),
        Bytes(group.first->wire_bytes), Bytes(group.first->padded_wire_bytes),
        group.first->predicted_us);
  }
}

Json KeyJson(const GraphKey& key) {
  return Json{{"local_bucket", key.local_bucket},
              {"gather_bucket", key.gather_bucket},
              {"gather_layout", GatherLayoutName(key.gather_layout)},
              {"dense", DenseModeName(key.dense)},
              {"lm_head", LmHeadModeName(key.lm_head)},
              {"moe", MoeBackendName(key.moe)}};
}

Json RankJson(const StepPlan& plan) {
  Json layers = Json::array();
  for (const LayerPlan& layer : plan.layers) {
    const LayerShape& shape = layer.shape;
    layers.push_back(
        Json{{"index", shape.index},
             {"layer", shape.decoder_layer >= 0 ? Json(shape.decoder_layer) : Json(nullptr)},
             {"kind", LayerKindName(shape.kind)},
             {"input_rows", shape.input_rows},
             {"pad_target", PadTargetName(shape.pad_target)},
             {"collective", CollectiveName(shape.collective)},
             {"wire_bytes", layer.wire_bytes},
             {"padded_wire_bytes", layer.padded_wire_bytes},
             {"predicted_us", layer.predicted_us}});
  }
  return Json{
      {"rank", plan.rank},
      {"mode", StepModeName(plan.mode)},
      {"eager_reason", plan.mode == StepMode::kEager ? Json(plan.eager_reason) : Json(nullptr)},
      {"chunks", plan.eager_chunks},
      {"planned_by", PolicyKindName(plan.planned_by)},
      {"graph_key", plan.key ? KeyJson(*plan.key) : Json(nullptr)},
      {"layers", std::move(layers)},
      {"totals", Json{{"wire_bytes", plan.wire_bytes},
                      {"padded_wire_bytes", plan.padded_wire_bytes},
                      {"predicted_us", plan.predicted_us}}}};
}

}  // namespace

absl::StatusOr<std::vector<PolicyReport>> BuildReports(const InspectOptions& options) {
  std::vector<PolicyReport> reports;
  for (PolicyKind kind : options.policies) {
    PolicyReport report{.kind = kind,
                        .validity = Validate(options.config, kind, options.model),
                        .needs_agreement = false,
                        .ranks = {}};
    if (report.validity.ok()) {
      PADGRAPH_ASSIGN_OR_RETURN(
          std::unique_ptr<Policy> policy,
          MakePolicy(kind, options.model, options.config, options.cost_model));
      report.needs_agreement = policy->needs_agreement();
      for (int rank = 0; rank < options.config.world; ++rank) {
        if (options.rank && *options.rank != rank) continue;
        StepShape shape{
            .rank = rank, .local_tokens = options.tokens[rank], .agreed_tokens = options.tokens};
        PADGRAPH_ASSIGN_OR_RETURN(StepPlan plan, PlanStep(*policy, shape, options.cost_model));
        report.ranks.push_back(std::move(plan));
      }
    }
    reports.push_back(std::move(report));
  }
  return reports;
}

std::string RenderTable(const InspectOptions& options, const std::vector<PolicyReport>& reports) {
  const ParallelConfig& config = options.config;
  std::string out;
  for (const PolicyReport& report : reports) {
    if (!report.validity.ok()) {
      Put(out, "policy {}: invalid: {}\n\n", PolicyKindName(report.kind),
          std::string(report.validity.message()));
      continue;
    }
    Put(out, "policy {}: {}\n", PolicyLabel(report),
        report.needs_agreement ? "needs the agreed counts every step"
                               : "no per-step agreement; each rank picks its own key");
    Put(out, "  {:>5}  {:<9} {:>6}  {:<18} {:>10} {:>7} {:>10} {:>7} {:>12}\n", "ranks", "mode",
        "local", "gather", "moe wire", "padded", "all wire", "padded", "step us");
    // Consecutive ranks with equal totals share a line ("0-7").
    std::vector<std::pair<std::string, std::string>> lines;  // ranks, the rest of the line
    for (const StepPlan& plan : report.ranks) {
      std::string mode =
          plan.mode == StepMode::kGraph ? "graph" : fmt::format("eager x{}", plan.eager_chunks);
      int64_t moe_wire = MoeWire(plan, false);
      std::string rest = fmt::format(
          "{:<9} {}  {:>10} {:>7} {:>10} {:>7} {:>12.1f}\n", mode, KeyColumns(plan),
          Bytes(moe_wire), Percent(MoeWire(plan, true), moe_wire), Bytes(plan.wire_bytes),
          Percent(plan.padded_wire_bytes, plan.wire_bytes), plan.predicted_us);
      if (plan.mode == StepMode::kEager)
        rest += fmt::format("{:8}eager: {}\n", "", plan.eager_reason);
      if (!lines.empty() && lines.back().second == rest && !options.rank) {
        std::string& ranks = lines.back().first;
        ranks = fmt::format("{}-{}", ranks.substr(0, ranks.find('-')), plan.rank);
      } else {
        lines.emplace_back(fmt::format("{}", plan.rank), rest);
      }
      if (options.rank) {
        Put(out, "  {:>5}  {}", lines.back().first, rest);
        RenderLayers(plan, out);
        lines.clear();
      }
    }
    for (const auto& [ranks, rest] : lines)
      Put(out, "  {:>5}  {}", ranks, rest);
    Put(out, "\n");
  }

  int64_t sum = 0;
  int max = 0;
  for (int tokens : options.tokens) {
    sum += tokens;
    max = std::max(max, tokens);
  }
  Put(out,
      "{}, world {}, tokens {} (sum {}, max {}); moe {}, dense_tp {}, lm_head {}, gather {}, "
      "ep_capacity {}\n",
      options.preset, config.world, DescribeTokens(options.tokens), sum, max,
      MoeBackendName(config.moe), config.dense_tp, LmHeadModeName(config.lm_head),
      GatherBackendName(config.gather_backend), config.ep_capacity);
  Put(out, "{:<18} {:<5} {:<9} {:<14} {:>14} {:>10} {:>14}\n", "policy", "valid", "agreement",
      "buckets", "moe wire/rank", "padded", "step us");
  for (const PolicyReport& report : reports) {
    if (!report.validity.ok()) {
      Put(out, "{:<18} {:<5} {:<9} {:<14} {:>14} {:>10} {:>14}\n", PolicyLabel(report), "no", "-",
          "-", "-", "-", "-");
      continue;
    }
    std::set<int> buckets;
    int eager_chunks = 0;
    int64_t moe_wire = 0;
    int64_t moe_padded = 0;
    double step_us = 0;
    for (const StepPlan& plan : report.ranks) {
      if (plan.key) buckets.insert(plan.key->local_bucket);
      eager_chunks = std::max(eager_chunks, plan.eager_chunks);
      moe_wire += MoeWire(plan, false);
      moe_padded += MoeWire(plan, true);
      step_us = std::max(step_us, plan.predicted_us);
    }
    std::string used = eager_chunks > 0 ? fmt::format("eager x{}", eager_chunks)
                                        : fmt::format("{}", fmt::join(buckets, ","));
    int64_t ranks = std::max<int64_t>(1, static_cast<int64_t>(report.ranks.size()));
    Put(out, "{:<18} {:<5} {:<9} {:<14} {:>14} {:>10} {:>14.1f}\n", PolicyLabel(report), "yes",
        report.needs_agreement ? "yes" : "no", used, Bytes(moe_wire / ranks),
        Percent(moe_padded, moe_wire), step_us);
  }
  return out;
}

std::string RenderJson(const InspectOptions& options, const std::vector<PolicyReport>& reports) {
  const ParallelConfig& config = options.config;
  Json root;
  root["config"] = Json{{"preset", options.preset},
                        {"world", config.world},
                        {"dp", config.dp},
                        {"dense_tp", config.dense_tp},
                        {"lm_head", LmHeadModeName(config.lm_head)},
                        {"moe", MoeBackendName(config.moe)},
                        {"gather_backend", GatherBackendName(config.gather_backend)},
                        {"ep_capacity", config.ep_capacity},
                        {"buckets", config.buckets}};
  root["tokens"] = options.tokens;
  Json plans = Json::array();
  for (const PolicyReport& report : reports) {
    Json ranks = Json::array();
    for (const StepPlan& plan : report.ranks)
      ranks.push_back(RankJson(plan));
    bool valid = report.validity.ok();
    plans.push_back(
        Json{{"policy", PolicyKindName(report.kind)},
             {"valid", valid},
             {"error", valid ? Json(nullptr) : Json(std::string(report.validity.message()))},
             {"needs_agreement", valid ? Json(report.needs_agreement) : Json(nullptr)},
             {"ranks", std::move(ranks)}});
  }
  root["plans"] = std::move(plans);
  return root.dump(2) + "\n";
}

}  // namespace padgraph::inspect
