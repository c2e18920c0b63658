// padgraph-inspect: prints the plan of every padding policy for a config and a token distribution
// (table or JSON), validates configs, and shows wire bytes and predicted time per layer.
// Exit status: 0 on success (an invalid policy is reported, not an error); 2 for a bad flag,
// config or file, with a message naming the flag and the limit on stderr.
#include <iostream>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "inspect/options.h"
#include "inspect/report.h"

// Every flag is read as a string and parsed by padgraph, so every bad value gets our message.
ABSL_FLAG(std::string, preset, "",
          "model preset: deepseek-v3 | deepseek-v3-small | tiny (default deepseek-v3)");
ABSL_FLAG(std::string, config, "",
          "JSON file with any of the other fields (lists as arrays); command-line flags win");
ABSL_FLAG(std::string, world, "",
          "ranks, 1-1024 (default: the number of --tokens entries, else 8)");
ABSL_FLAG(std::string, dp, "", "attention-DP groups; must equal --world (default --world)");
ABSL_FLAG(std::string, dense_tp, "", "dense FFN tensor-parallel size: 1 or --world (default 1)");
ABSL_FLAG(std::string, lm_head, "", "lm_head: dp | tp (default dp)");
ABSL_FLAG(std::string, moe, "", "MoE backend: allgather | a2a_padded | a2a_ll (default a2a_ll)");
ABSL_FLAG(std::string, gather_backend, "",
          "gather layers (dense TP, lm_head TP): host | lsa (default host)");
ABSL_FLAG(std::string, ep_capacity, "",
          "rows per rank the all-to-all buffers hold, 1-65536 (default 128)");
ABSL_FLAG(std::string, buckets, "",
          "captured sizes, strictly increasing, 1-65536 (default 1,2,4,8,12,16,24,...,256)");
ABSL_FLAG(std::string, tokens, "",
          "tokens per rank n0,n1,... (default 8 on every rank); planned as the agreed vector");
ABSL_FLAG(std::string, rank, "", "one rank R (adds its per-layer table) or all (default all)");
ABSL_FLAG(std::string, policy, "", "sum | max | local | per_layer | auto | all (default all)");
ABSL_FLAG(std::string, format, "", "table | json (default table)");
ABSL_FLAG(std::string, cost_model, "",
          "JSON file of measured figures replacing the cost model's H100 defaults");

namespace {

constexpr int kBadInput = 2;
const absl::flat_hash_set<std::string> kUsageFlags = {
    "help", "helpfull", "helpshort", "helppackage", "version", "helpon", "helpmatch"};

// Rejects what absl would reject with its own message and exit status: unknown flags, flags
// without a value, positional arguments.
absl::Status CheckArguments(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      if (i + 1 < argc) {
        return absl::InvalidArgumentError("padgraph-inspect takes no positional arguments");
      }
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      return absl::InvalidArgumentError("unexpected argument '" + arg +
                                        "': padgraph-inspect takes only flags (see --help)");
    }
    std::string name = arg.substr(arg[1] == '-' ? 2 : 1);
    bool has_value = name.find('=') != std::string::npos;
    name = name.substr(0, name.find('='));
    if (kUsageFlags.contains(name)) {
      // absl handles its usage flags by name; only --helpon and --helpmatch take a value.
      if (!has_value && (name == "helpon" || name == "helpmatch")) ++i;
      continue;
    }
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && name.rfind("no", 0) == 0) {
      flag = absl::FindCommandLineFlag(name.substr(2));
      if (flag != nullptr && !flag->IsOfType<bool>()) flag = nullptr;
    }
    if (flag == nullptr) {
      return absl::InvalidArgumentError("unknown flag --" + name + " (see --help)");
    }
    if (!has_value && !flag->IsOfType<bool>()) {
      if (i + 1 >= argc) return absl::InvalidArgumentError("flag --" + name + " needs a value");
      ++i;
    }
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "prints every padding policy's plan for a config and a token distribution.\n"
      "  padgraph-inspect --preset deepseek-v3 --world 16 --tokens 8,8,... --moe a2a_ll");
  if (absl::Status status = CheckArguments(argc, argv); !status.ok()) {
    std::cerr << "padgraph-inspect: " << status.message() << "\n";
    return kBadInput;
  }
  absl::ParseCommandLine(argc, argv);

  padgraph::inspect::RawFlags command_line;
  for (const std::string& name : padgraph::inspect::FlagNames()) {
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    std::string value = flag->CurrentValue();
    if (!value.empty()) command_line[name] = {value, "--" + name};
  }
  absl::StatusOr<padgraph::inspect::RawFlags> raw = command_line;
  if (auto config = command_line.find("config"); config != command_line.end()) {
    raw = padgraph::inspect::MergeConfigFile(config->second.text, command_line);
  }
  absl::StatusOr<padgraph::inspect::InspectOptions> options =
      raw.ok() ? padgraph::inspect::ParseOptions(*raw)
               : absl::StatusOr<padgraph::inspect::InspectOptions>(raw.status());
  if (!options.ok()) {
    std::cerr << "padgraph-inspect: " << options.status().message() << "\n";
    return kBadInput;
  }
  absl::StatusOr<std::vector<padgraph::inspect::PolicyReport>> reports =
      padgraph::inspect::BuildReports(*options);
  if (!reports.ok()) {
    std::cerr << "padgraph-inspect: " << reports.status().message() << "\n";
    return 1;
  }
  std::cout << (options->format == padgraph::inspect::Format::kJson
                    ? padgraph::inspect::RenderJson(*options, *reports)
                    : padgraph::inspect::RenderTable(*options, *reports));
  return 0;
}
