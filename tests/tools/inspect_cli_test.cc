// padgraph-inspect run as a program: table and JSON output, the config file, the cost model file,
// and bad input (exit 2 with a message naming the flag).
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::filesystem::path TempDir() {
  static const std::filesystem::path dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "inspect_cli_XXXXXX").string();
    return std::filesystem::path(mkdtemp(pattern.data()));
  }();
  return dir;
}

std::filesystem::path WriteFile(const std::string& name, const std::string& text) {
  std::filesystem::path path = TempDir() / name;
  std::ofstream(path) << text;
  return path;
}

// Runs the inspector with `args` (already shell-quoted where needed).
Result RunInspect(const std::string& args) {
  std::filesystem::path out = TempDir() / "stdout";
  std::filesystem::path err = TempDir() / "stderr";
  std::string command = std::string(PADGRAPH_INSPECT_BINARY) + " " + args + " >" + out.string() +
                        " 2>" + err.string();
  int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadAll(out), ReadAll(err)};
}

const std::string kSeed =
    "--preset deepseek-v3 --world 16 --tokens 8,8,8,8,8,8,8,8,7,7,7,7,7,7,7,7 --moe a2a_ll "
    "--dense_tp 1 --lm_head dp";

TEST(InspectCliTest, TableShowsEveryPolicySideBySide) {
  Result result = RunInspect(kSeed);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("tokens 8 x8, 7 x8 (sum 120, max 8)"));
  for (std::string row : {"sum ", "max ", "local ", "per_layer ", "auto (per_layer) "}) {
    EXPECT_THAT(result.out, HasSubstr("\n" + row)) << row;
  }
  EXPECT_THAT(result.out, HasSubstr("0-7"));  // equal ranks share a line
}

TEST(InspectCliTest, OneRankAddsItsGroupedLayerTable) {
  Result result = RunInspect(kSeed + " --rank 3 --policy per_layer");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("moe 3-60"));
  EXPECT_THAT(result.out, HasSubstr("attention 0-60"));
  EXPECT_THAT(result.out, HasSubstr("dense_ffn 0-2"));
  EXPECT_THAT(result.out, HasSubstr("lsa_dispatch"));
}

TEST(InspectCliTest, JsonHasTheDocumentedFields) {
  Result result = RunInspect(kSeed + " --format json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  Json root = Json::parse(result.out);
  EXPECT_EQ(root["config"]["world"], 16);
  EXPECT_EQ(root["config"]["moe"], "a2a_ll");
  EXPECT_EQ(root["config"]["buckets"].size(), 36u);
  EXPECT_EQ(root["tokens"].size(), 16u);
  ASSERT_EQ(root["plans"].size(), 5u);
  const std::vector<std::string> policies = {"sum", "max", "local", "per_layer", "auto"};
  for (size_t i = 0; i < policies.size(); ++i) {
    const Json& plan = root["plans"][i];
    EXPECT_EQ(plan["policy"], policies[i]);
    EXPECT_EQ(plan["valid"], true);
    EXPECT_TRUE(plan["error"].is_null());
    ASSERT_EQ(plan["ranks"].size(), 16u);
    const Json& rank = plan["ranks"][9];
    EXPECT_EQ(rank["rank"], 9);
    EXPECT_EQ(rank["mode"], "graph");
    EXPECT_TRUE(rank["eager_reason"].is_null());
    for (std::string field :
         {"local_bucket", "gather_bucket", "gather_layout", "dense", "lm_head", "moe"}) {
      EXPECT_TRUE(rank["graph_key"].contains(field)) << field;
    }
    ASSERT_EQ(rank["layers"].size(), 124u);
    const Json& embedding = rank["layers"][0];
    EXPECT_EQ(embedding["kind"], "embedding");
    EXPECT_TRUE(embedding["layer"].is_null());
    const Json& moe = rank["layers"][8];
    EXPECT_EQ(moe["index"], 8);
    EXPECT_EQ(moe["layer"], 3);
    EXPECT_EQ(moe["kind"], "moe");
    EXPECT_EQ(moe["collective"], "lsa_dispatch");
    for (std::string field :
         {"input_rows", "pad_target", "wire_bytes", "padded_wire_bytes", "predicted_us"}) {
      EXPECT_TRUE(moe.contains(field)) << field;
    }
    EXPECT_TRUE(rank["totals"]["predicted_us"].is_number());
  }
  EXPECT_EQ(root["plans"][0]["ranks"][9]["graph_key"]["local_bucket"], 120);
  EXPECT_EQ(root["plans"][0]["needs_agreement"], true);
  EXPECT_EQ(root["plans"][2]["ranks"][9]["graph_key"]["local_bucket"], 8);
  EXPECT_EQ(root["plans"][2]["ranks"][9]["totals"]["padded_wire_bytes"], 0);
  EXPECT_EQ(root["plans"][2]["needs_agreement"], false);
}

TEST(InspectCliTest, InvalidPolicyIsReportedNotAnError) {
  Result result =
      RunInspect(kSeed + " --dense_tp 16 --lm_head tp --gather_backend lsa --format json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  Json local = Json::parse(result.out)["plans"][2];
  EXPECT_EQ(local["policy"], "local");
  EXPECT_EQ(local["valid"], false);
  EXPECT_THAT(local["error"].get<std::string>(),
              HasSubstr("decoder layers 0-2 (dense_ffn, TP over 16 ranks) need every rank's rows"));
  EXPECT_TRUE(local["ranks"].empty());
  Result table = RunInspect(kSeed + " --dense_tp 16 --lm_head tp --gather_backend lsa");
  EXPECT_THAT(table.out, HasSubstr("policy local: invalid:"));
}

TEST(InspectCliTest, EagerStepHasNullKeyAndReason) {
  Result result = RunInspect("--world 2 --tokens 300,0 --policy max --format json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  Json rank = Json::parse(result.out)["plans"][0]["ranks"][1];
  EXPECT_EQ(rank["mode"], "eager");
  EXPECT_TRUE(rank["graph_key"].is_null());
  EXPECT_EQ(rank["chunks"], 3);
  EXPECT_THAT(rank["eager_reason"].get<std::string>(), HasSubstr("largest bucket 256"));
}

TEST(InspectCliTest, ConfigFileFieldsAreOverriddenByFlags) {
  std::filesystem::path config =
      WriteFile("config.json",
                R"({"preset": "tiny", "world": 4, "tokens": [1, 2, 3, 4], "moe": "a2a_padded",
          "buckets": [1, 2, 4, 8], "ep_capacity": 8})");
  Result result = RunInspect("--config " + config.string() + " --moe a2a_ll --format json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  Json root = Json::parse(result.out);
  EXPECT_EQ(root["config"]["preset"], "tiny");
  EXPECT_EQ(root["config"]["world"], 4);
  EXPECT_EQ(root["config"]["moe"], "a2a_ll");
  EXPECT_EQ(root["config"]["buckets"], Json::parse("[1, 2, 4, 8]"));
  EXPECT_EQ(root["tokens"], Json::parse("[1, 2, 3, 4]"));
}

TEST(InspectCliTest, CostModelFileChangesPredictions) {
  std::filesystem::path slow = WriteFile("slow.json", R"({"hbm_gbps": 100})");
  Result base = RunInspect("--preset tiny --world 2 --policy max --format json");
  Result slower = RunInspect("--preset tiny --world 2 --policy max --format json --cost_model " +
                             slow.string());
  ASSERT_EQ(base.exit_code, 0) << base.err;
  ASSERT_EQ(slower.exit_code, 0) << slower.err;
  auto step_us = [](const Result& r) {
    return Json::parse(r.out)["plans"][0]["ranks"][0]["totals"]["predicted_us"].get<double>();
  };
  EXPECT_GT(step_us(slower), step_us(base));
}

TEST(InspectCliTest, BadInputExitsTwoNamingTheFlag) {
  std::filesystem::path unknown_field = WriteFile("unknown.json", R"({"wrold": 4})");
  std::filesystem::path bad_cost = WriteFile("bad_cost.json", R"({"hbm_gbps": -1})");
  struct Row {
    std::string args;
    std::string message;
  };
  const std::vector<Row> rows = {
      {"--tokens 1,-1", "--tokens entry 1 is -1, out of range [0, 2147483647]"},
      {"--tokens 1,x", "--tokens entry 1: 'x' is not an integer"},
      {"--world 4 --tokens 1,2", "--tokens has 2 entries but --world is 4"},
      {"--world 0", "--world 0 is out of range [1, 1024]"},
      {"--world 16 --dense_tp 3", "dense_tp 3 must be 1 or world (16)"},
      {"--world 16 --dp 8", "dp 8 is not supported"},
      {"--preset llama", "--preset: preset 'llama' is unknown"},
      {"--buckets 1,8,4", "buckets must be strictly increasing"},
      {"--ep_capacity 0", "--ep_capacity 0 is out of range [1, 65536]"},
      {"--moe deepep", "--moe 'deepep' is not one of allgather | a2a_padded | a2a_ll"},
      {"--lm_head vocab", "--lm_head 'vocab' is not one of dp | tp"},
      {"--gather_backend nvls", "--gather_backend 'nvls' is not one of host | lsa"},
      {"--policy fastest", "--policy 'fastest' is not one of sum | max"},
      {"--format yaml", "--format 'yaml' is not one of table | json"},
      {"--rank 8", "--rank 8 is out of range [0, 7]"},
      {"--bogus 1", "unknown flag --bogus"},
      {"--world", "flag --world needs a value"},
      {"stray", "unexpected argument 'stray'"},
      {"--config /nonexistent/padgraph.json", "--config: cannot read"},
      {"--config " + unknown_field.string(), "unknown field 'wrold'"},
      {"--cost_model " + bad_cost.string(), "hbm_gbps -1 must be > 0"},
  };
  for (const Row& row : rows) {
    Result result = RunInspect(row.args);
    EXPECT_EQ(result.exit_code, 2) << row.args;
    EXPECT_THAT(result.err, HasSubstr(row.message)) << row.args;
    EXPECT_TRUE(result.out.empty()) << row.args;
  }
}

TEST(InspectCliTest, HelpListsTheFlags) {
  Result result = RunInspect("--help");
  for (std::string flag : {"--tokens", "--policy", "--gather_backend", "--cost_model"}) {
    EXPECT_THAT(result.out + result.err, HasSubstr(flag)) << flag;
  }
}

}  // namespace

namespace {

// padgraph-decode on the host backend: every row matches the reference, exit 0; bad flags exit 2.
TEST(DecodeCliTest, HostBackendDecodesAndChecksEveryRow) {
  std::filesystem::path out = TempDir() / "decode.out";
  std::string binary = PADGRAPH_DECODE_BINARY;
  int status = std::system((binary + " --backend host --steps 6 >" + out.string()).c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_THAT(ReadAll(out), HasSubstr("against the float64 reference"));
  EXPECT_THAT(ReadAll(out), HasSubstr(": ok"));
  status = std::system((binary + " --world 9 2>/dev/null").c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
  status = std::system((binary + " --policy local --moe allgather 2>/dev/null").c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

}  // namespace
