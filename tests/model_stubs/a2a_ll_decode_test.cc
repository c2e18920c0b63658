// The stub decoder with moe a2a_ll on 2 and 4 GPUs, one thread per GPU, beyond the reference
// scenarios of nccl_decode_test.cc: graph replay equals the same plan launched kernel by kernel,
// bit for bit; a captured forward of a config whose only cross-GPU traffic goes through the device
// API (a2a_ll alone, or with dense and lm_head TP over lsa gathers) holds no NCCL kernel (checked
// against a captured NCCL all-reduce, which it must see); and `local` steps, and `per_layer` steps
// with TP over lsa, without the agreed vector, each rank on the bucket of its own count and no
// communicator given to the runner, match the float64 reference with no padded byte moved (rule 1
// allows different keys only because no host-API collective runs); and `sum` steps, padded rows
// dispatched too, above and below the transport's rank_dedup_rows, match the reference with their
// wire bytes counted exactly as their routing moves them.
#include <cuda.h>
#include <cudaTypedefs.h>
#include <cuda_runtime_api.h>
#include <nccl.h>

#include <bit>
#include <cstring>
#include <functional>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "padgraph/ep_backend/a2a_ll_layout.h"
#include "padgraph/ep_backend/nccl_comm.h"
#include "padgraph/graph_runtime/cuda_check.h"
#include "padgraph/graph_runtime/cuda_runner.h"
#include "padgraph/model_stubs/cuda_decoder.h"
#include "padgraph/model_stubs/reference.h"
#include "padgraph/padding_policy/buckets.h"
#include "padgraph/padding_policy/policy.h"
#include "padgraph/padding_policy/rank_dedup.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph {
namespace {

constexpr uint64_t kSeed = 17;
// Above the automatic rank_dedup_rows (40 on 2 ranks, 32 on 4), so that ranks with more rows send
// them once per rank (a2a_ll.h Note [Rows once per rank], on by default) beside ranks on lines,
// lines back and idle ones.
constexpr int kMaxStepTokens = 64;
static_assert(kMaxStepTokens > kA2aLlRankDedupAutoRowsTwoRanks);
constexpr int kQueuedSteps = 150;
constexpr int kTrials = 20;
constexpr double kRelativeTolerance = 3e-2;  // bf16 against float64, relative L2 of a row
constexpr double kTieTolerance = 5e-3;
// Marks of NCCL's own kernels in their (mangled) names: the host-API collectives'
// ncclDevKernel_*, their symmetric-memory variants ncclSymkDevKernel_*, and older ncclKernel_*.
constexpr const char* kNcclKernelMarks[] = {"ncclDevKernel", "ncclSymkDevKernel", "ncclKernel"};

int GpuCount() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess ? count : 0;
}

// What the tests run: a policy, and either DP dense and DP lm_head (the MoE layers' a2a_ll is the
// only cross-GPU traffic) or dense and lm_head TP over every rank through lsa gathers.
struct DecodeSetup {
  PolicyKind kind;
  bool tp_lsa = false;
};

std::string DecodeSetupName(const DecodeSetup& setup) {
  return fmt::format("{}{}", PolicyKindName(setup.kind), setup.tp_lsa ? " with TP over lsa" : "");
}

ParallelConfig ConfigFor(int world, bool tp_lsa) {
  ParallelConfig config;
  config.world = config.dp = world;
  config.moe = MoeBackend::kA2aLl;
  if (tp_lsa) {
    config.dense_tp = world;
    config.lm_head = LmHeadMode::kTp;
    config.gather_backend = GatherBackend::kLsa;
  }
  // At a2a_ll's defaults for the decoder's 32 SMs on 2 ranks (a2a_ll_layout.h A2aLlThresholdsFor:
  // lines to 16 rows, lines back to 32, rows once per rank above 40), bucket 40 is the one that
  // sends rows and takes rows back.
  config.buckets = {1, 2, 4, 8, 16, 24, 32, 40, 48, 64};
  config.ep_capacity = kMaxStepTokens;
  return config;
}

// One rank's communicator, stream, decoder and runner, torn down in order: graphs, the decoder's
// transport, the communicator. Not movable: the runner's hooks point into it.
struct Rank {
  NcclComm comm;
  CudaStream stream;
  std::unique_ptr<CudaDecoder> decoder;
  std::unique_ptr<CudaGraphRunner> runner;
  std::vector<int> tokens;

  Rank() = default;
  Rank(const Rank&) = delete;
  Rank& operator=(const Rank&) = delete;

  // `runner_comm`: whether the runner's watchdog gets the communicator.
  absl::Status Init(int world, int rank, const ncclUniqueId& id, const DecodeSetup& setup,
                    bool runner_comm) {
    const ModelSpec model = *ModelPreset("tiny");
    const ParallelConfig config = ConfigFor(world, setup.tp_lsa);
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(rank));
    PADGRAPH_ASSIGN_OR_RETURN(comm, NcclComm::InitRank(world, rank, id));
    PADGRAPH_ASSIGN_OR_RETURN(stream, MakeStream());
    PADGRAPH_ASSIGN_OR_RETURN(decoder, CudaDecoder::Create(model, kSeed, config, rank, comm.get(),
                                                           kMaxStepTokens, stream.get()));
    PADGRAPH_ASSIGN_OR_RETURN(std::unique_ptr<Policy> policy,
                              MakePolicy(setup.kind, model, config));
    CudaDecoder* raw = decoder.get();
    PADGRAPH_ASSIGN_OR_RETURN(
        runner,
        CudaGraphRunner::Create(
            std::move(policy), stream.get(),
            [raw](const CudaForwardArgs& args) { return raw->Forward(args); },
            [raw, this](const StageArgs& args) { return raw->Stage(args, tokens); },
            {.static_buffers = raw->static_buffers(), .comm = runner_comm ? comm.get() : nullptr}));
    return runner->Capture();
  }

  // Also after a failed Init: whatever was made.
  absl::Status Teardown() {
    runner.reset();
    absl::Status shut_down = decoder != nullptr ? decoder->Shutdown() : absl::OkStatus();
    decoder.reset();
    absl::Status finalized = comm.Finalize();
    PADGRAPH_RETURN_IF_ERROR(shut_down);
    return finalized;
  }
};

// Runs `body` on one thread per GPU with that rank's Rank (made with `setup`), then tears every
// rank down, also after a failure (the teardown is collective, so every rank must reach it).
void OnRanks(int world, const DecodeSetup& setup, bool runner_comm,
             const std::function<absl::Status(int, Rank&)>& body) {
  ncclUniqueId id;
  ASSERT_EQ(ncclGetUniqueId(&id), ncclSuccess);
  std::vector<absl::Status> status(world);
  std::vector<std::thread> threads;
  for (int rank = 0; rank < world; ++rank) {
    threads.emplace_back([&, rank] {
      Rank r;
      absl::Status result = r.Init(world, rank, id, setup, runner_comm);
      if (result.ok()) result = body(rank, r);
      absl::Status teardown = r.Teardown();
      status[rank] = result.ok() ? teardown : result;
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  for (int rank = 0; rank < world; ++rank)
    EXPECT_TRUE(status[rank].ok()) << "rank " << rank << ": " << status[rank];
}

std::vector<int> RandomTokens(int n, int vocab, std::mt19937& rng) {
  std::vector<int> tokens;
  for (int i = 0; i < n; ++i)
    tokens.push_back(std::uniform_int_distribution<int>(0, vocab - 1)(rng));
  return tokens;
}

// Every rank's count per step, the same on every thread: idle ranks, and counts up to the largest
// bucket, so each rank's own bucket serves it.
std::vector<std::vector<int>> MakeCounts(int world, int steps, uint64_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::vector<int>> counts(steps, std::vector<int>(world));
  for (auto& step : counts) {
    for (int& n : step) {
      n = std::uniform_int_distribution<int>(0, 4)(rng) == 0
              ? 0
              : std::uniform_int_distribution<int>(1, kMaxStepTokens)(rng);
    }
  }
  return counts;
}

// The NCCL kernels among a graph's kernel nodes, by name.
struct GraphKernels {
  int kernels = 0;
  int nccl = 0;
  int host_nodes = 0;
  std::string first_nccl;
};

// The driver API names kernels launched through either API. Its entry points come through the
// runtime, so the test links no driver library and lists its cases on machines without one.
struct DriverNaming {
  PFN_cuGraphKernelNodeGetParams_v12000 node_params = nullptr;
  PFN_cuFuncGetName_v12030 function_name = nullptr;
  PFN_cuKernelGetName_v12030 kernel_name = nullptr;

  static absl::StatusOr<DriverNaming> Load() {
    DriverNaming naming;
    auto load = [](const char* symbol, unsigned version, void** entry) -> absl::Status {
      cudaDriverEntryPointQueryResult found = cudaDriverEntryPointSymbolNotFound;
      PADGRAPH_CUDA_RETURN_IF_ERROR(
          cudaGetDriverEntryPointByVersion(symbol, entry, version, cudaEnableDefault, &found));
      if (found != cudaDriverEntryPointSuccess || *entry == nullptr) {
        return absl::FailedPreconditionError(
            fmt::format("the CUDA driver has no {} of version {}", symbol, version));
      }
      return absl::OkStatus();
    };
    PADGRAPH_RETURN_IF_ERROR(
        load("cuGraphKernelNodeGetParams", 12000, reinterpret_cast<void**>(&naming.node_params)));
    PADGRAPH_RETURN_IF_ERROR(
        load("cuFuncGetName", 12030, reinterpret_cast<void**>(&naming.function_name)));
    PADGRAPH_RETURN_IF_ERROR(
        load("cuKernelGetName", 12030, reinterpret_cast<void**>(&naming.kernel_name)));
    return naming;
  }
};

absl::StatusOr<GraphKernels> InspectGraph(cudaGraph_t graph) {
  PADGRAPH_ASSIGN_OR_RETURN(DriverNaming naming, DriverNaming::Load());
  size_t count = 0;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphGetNodes(graph, nullptr, &count));
  std::vector<cudaGraphNode_t> nodes(count);
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphGetNodes(graph, nodes.data(), &count));
  GraphKernels found;
  for (cudaGraphNode_t node : nodes) {
    cudaGraphNodeType type;
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphNodeGetType(node, &type));
    found.host_nodes += type == cudaGraphNodeTypeHost;
    if (type != cudaGraphNodeTypeKernel) continue;
    ++found.kernels;
    CUDA_KERNEL_NODE_PARAMS_v2 params;
    std::memset(&params, 0, sizeof(params));
    const char* name = nullptr;
    CUresult named = naming.node_params(node, &params);
    if (named == CUDA_SUCCESS) {
      named = params.func != nullptr ? naming.function_name(&name, params.func)
                                     : naming.kernel_name(&name, params.kern);
    }
    if (named != CUDA_SUCCESS || name == nullptr) {
      return absl::InternalError(
          fmt::format("kernel node {} of the graph has no name (CUresult {})", found.kernels,
                      static_cast<int>(named)));
    }
    for (const char* mark : kNcclKernelMarks) {
      if (std::strstr(name, mark) == nullptr) continue;
      if (found.nccl++ == 0) found.first_nccl = name;
      break;
    }
  }
  return found;
}

// Each queued step's logits and routing record (CudaDecoder::routing_device), copied on the stream
// as the steps run and read back once they have run.
struct SavedSteps {
  int vocab = 0;
  size_t logits_per_step = 0;
  size_t routing_per_step = 0;
  DeviceBuffer logits_device, routing_device;
  std::vector<float> logits;
  std::vector<int> routing;

  static absl::StatusOr<SavedSteps> Allocate(int steps, int vocab, const CudaDecoder& decoder) {
    SavedSteps saved;
    saved.vocab = vocab;
    saved.logits_per_step = static_cast<size_t>(kMaxStepTokens) * vocab;
    saved.routing_per_step = decoder.routing_record_ints();
    PADGRAPH_ASSIGN_OR_RETURN(
        saved.logits_device, DeviceBuffer::Allocate(steps * saved.logits_per_step * sizeof(float)));
    PADGRAPH_ASSIGN_OR_RETURN(saved.routing_device,
                              DeviceBuffer::Allocate(steps * saved.routing_per_step * sizeof(int)));
    saved.logits.resize(steps * saved.logits_per_step);
    saved.routing.resize(steps * saved.routing_per_step);
    return saved;
  }

  // After the step's launches on `stream`: its `rows` rows of logits and its routing record.
  absl::Status Save(int step, int rows, const CudaDecoder& decoder, cudaStream_t stream) {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(
        logits_device.data<float>() + step * logits_per_step, decoder.logits_device(),
        rows * vocab * sizeof(float), cudaMemcpyDeviceToDevice, stream));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(
        routing_device.data<int>() + step * routing_per_step, decoder.routing_device(),
        routing_per_step * sizeof(int), cudaMemcpyDeviceToDevice, stream));
    return absl::OkStatus();
  }

  // Once every step has run.
  absl::Status Read() {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(logits.data(), logits_device.data(),
                                             logits.size() * sizeof(float),
                                             cudaMemcpyDeviceToHost));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(routing.data(), routing_device.data(),
                                             routing.size() * sizeof(int), cudaMemcpyDeviceToHost));
    return absl::OkStatus();
  }

  int moe_layers(int top_k) const {
    return static_cast<int>(routing_per_step / (kMaxStepTokens * top_k));
  }
  // Step `step`'s record of MoE layer `layer`: [kMaxStepTokens][top_k].
  const int* Routing(int step, int layer, int top_k) const {
    return &routing[step * routing_per_step + static_cast<size_t>(layer) * kMaxStepTokens * top_k];
  }
};

// Every real row of every saved step (tokens[step]) against the float64 reference, routed as the
// device routed it; returns the rows checked.
absl::StatusOr<int> CheckRowsAgainstTheReference(const ModelSpec& model, int rank,
                                                 const std::vector<std::vector<int>>& tokens,
                                                 const SavedSteps& saved) {
  PADGRAPH_ASSIGN_OR_RETURN(ReferenceModel reference, ReferenceModel::Create(StubWeights(
                                                          model, kSeed, WeightPrecision::kBf16)));
  const int top_k = static_cast<int>(model.dims.top_k);
  RowChecker checker(reference, kRelativeTolerance, kTieTolerance);
  int checked = 0;
  for (size_t step = 0; step < tokens.size(); ++step) {
    for (size_t row = 0; row < tokens[step].size(); ++row) {
      const int token = tokens[step][row];
      const RowComparison check = checker.Compare(
          token, &saved.logits[step * saved.logits_per_step + row * saved.vocab],
          RoutingOfRow(&saved.routing[step * saved.routing_per_step], saved.moe_layers(top_k),
                       kMaxStepTokens, top_k, static_cast<int>(row)));
      if (!(check.relative_error <= kRelativeTolerance)) {
        return absl::InternalError(
            fmt::format("rank {} step {} row {} (token {}): relative error {}", rank, step, row,
                        token, check.relative_error));
      }
      ++checked;
    }
  }
  return checked;
}

class A2aLlDecodeTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    if (GpuCount() < GetParam()) {
      GTEST_SKIP() << "needs " << GetParam() << " GPUs, found " << GpuCount();
    }
  }
};

// Each trial every rank replays its graph, then launches the same plan kernel by kernel
// (StepWithoutGraph, which stages the same counts): the logits of its real rows are equal bit for
// bit. Under `local` and `per_layer` with TP over lsa without the agreed vector (each rank its own
// bucket) and under `sum` (padded rows dispatched too).
TEST_P(A2aLlDecodeTest, GraphReplayEqualsTheSamePlanLaunchedEagerlyBitForBit) {
  const int world = GetParam();
  const int vocab = static_cast<int>(ModelPreset("tiny")->dims.vocab);
  for (const DecodeSetup& setup : {DecodeSetup{PolicyKind::kLocal}, DecodeSetup{PolicyKind::kSum},
                                   DecodeSetup{PolicyKind::kPerLayer, /*tp_lsa=*/true}}) {
    SCOPED_TRACE(DecodeSetupName(setup));
    const PolicyKind kind = setup.kind;
    const std::vector<std::vector<int>> counts =
        MakeCounts(world, kTrials, kSeed + static_cast<int>(kind));
    OnRanks(world, setup, /*runner_comm=*/true, [&](int rank, Rank& r) -> absl::Status {
      std::mt19937 rng(kSeed + rank);
      for (int trial = 0; trial < kTrials; ++trial) {
        std::vector<int> agreed = counts[trial];
        // `sum` picks the bucket of the counts' sum: keep it within the largest bucket.
        if (kind == PolicyKind::kSum) {
          for (int& n : agreed)
            n /= world;
        }
        const int n = agreed[rank];
        r.tokens = RandomTokens(n, vocab, rng);
        StepShape shape{.rank = rank, .local_tokens = n};
        if (kind == PolicyKind::kSum) shape.agreed_tokens = agreed;
        PADGRAPH_RETURN_IF_ERROR(r.runner->Step(shape));
        PADGRAPH_ASSIGN_OR_RETURN(std::vector<float> replayed, r.decoder->ReadLogits(n));
        PADGRAPH_RETURN_IF_ERROR(r.runner->StepWithoutGraph(shape));
        PADGRAPH_ASSIGN_OR_RETURN(std::vector<float> launched, r.decoder->ReadLogits(n));
        PADGRAPH_RETURN_IF_ERROR(r.runner->Synchronize());
        if (n > 0 &&
            std::memcmp(replayed.data(), launched.data(), replayed.size() * sizeof(float)) != 0) {
          return absl::InternalError(fmt::format(
              "rank {} trial {} ({} tokens): the replay differs from the plan launched eagerly",
              rank, trial, n));
        }
      }
      if (r.runner->stats().graph_launches != kTrials ||
          r.runner->stats().uncaptured_runs != kTrials) {
        return absl::InternalError(fmt::format("rank {}: {} replays and {} uncaptured runs", rank,
                                               r.runner->stats().graph_launches,
                                               r.runner->stats().uncaptured_runs));
      }
      return absl::OkStatus();
    });
  }
}

// One forward of every key `local` captures, captured again here: kernel nodes only, none of them
// NCCL's. The same inspection of a captured NCCL all-reduce finds its kernel, so the names it reads
// are the ones NCCL launches.
TEST_P(A2aLlDecodeTest, CapturedGraphsHoldNoNcclKernel) {
  const int world = GetParam();
  const ModelSpec model = *ModelPreset("tiny");
  for (const DecodeSetup& setup :
       {DecodeSetup{PolicyKind::kLocal}, DecodeSetup{PolicyKind::kPerLayer, /*tp_lsa=*/true}}) {
    SCOPED_TRACE(DecodeSetupName(setup));
    OnRanks(world, setup, /*runner_comm=*/true, [&](int rank, Rank& r) -> absl::Status {
      cudaStream_t stream = r.stream.get();
      PADGRAPH_ASSIGN_OR_RETURN(std::unique_ptr<Policy> policy,
                                MakePolicy(setup.kind, model, ConfigFor(world, setup.tp_lsa)));
      for (const GraphKey& key : policy->CaptureKeys()) {
        PADGRAPH_ASSIGN_OR_RETURN(KeyPlan plan, policy->Plan(key));
        const CudaForwardArgs args{.mode = StepMode::kGraph,
                                   .key = key,
                                   .layers = plan.layers,
                                   .stream = stream,
                                   .capturing = true,
                                   .deadline = r.runner->deadline().view()};
        PADGRAPH_ASSIGN_OR_RETURN(CudaGraph graph,
                                  CaptureGraph(stream, [&] { return r.decoder->Forward(args); }));
        PADGRAPH_ASSIGN_OR_RETURN(GraphKernels found, InspectGraph(graph.get()));
        if (found.kernels == 0 || found.nccl != 0 || found.host_nodes != 0) {
          return absl::InternalError(fmt::format(
              "rank {} key {{{}}}: {} kernels, {} of them NCCL's (first: {}), {} host nodes", rank,
              GraphKeyString(key), found.kernels, found.nccl, found.first_nccl, found.host_nodes));
        }
      }
      // The control: an all-reduce, run once on every rank (NCCL connects), then captured.
      PADGRAPH_ASSIGN_OR_RETURN(DeviceBuffer value, DeviceBuffer::Allocate(sizeof(float)));
      auto all_reduce = [&]() -> absl::Status {
        PADGRAPH_NCCL_RETURN_IF_ERROR(ncclAllReduce(value.data(), value.data(), 1, ncclFloat32,
                                                    ncclSum, r.comm.get(), stream));
        return absl::OkStatus();
      };
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(value.data(), 0, sizeof(float), stream));
      PADGRAPH_RETURN_IF_ERROR(all_reduce());
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
      PADGRAPH_ASSIGN_OR_RETURN(CudaGraph control, CaptureGraph(stream, all_reduce));
      PADGRAPH_ASSIGN_OR_RETURN(GraphKernels found, InspectGraph(control.get()));
      if (found.nccl == 0) {
        return absl::InternalError(
            fmt::format("rank {}: a captured ncclAllReduce shows no NCCL kernel among {} kernels",
                        rank, found.kernels));
      }
      std::printf("[ rank %d, %s ] %zu graphs without NCCL kernels; the control's: %s\n", rank,
                  DecodeSetupName(setup).c_str(), policy->CaptureKeys().size(),
                  found.first_nccl.c_str());
      return absl::OkStatus();
    });
  }
}

// The wire bytes of `n` real rows through the dense-TP and lm_head-TP layers' lsa gathers
// (policy.h, Note [Wire bytes]): the rows to every peer and their partial sums or logit shards
// back.
int64_t LsaGatherBytes(const ModelSpec& model, int world, int64_t n) {
  const int64_t row = model.dims.hidden * model.dims.dtype_bytes;
  const int64_t shard = model.dims.vocab / world * 4;
  int64_t bytes = 0;
  for (const Layer& layer : model.layers) {
    if (layer.kind == LayerKind::kDenseFfn) bytes += 2 * (world - 1) * n * row;
    if (layer.kind == LayerKind::kLmHead) bytes += (world - 1) * n * (row + shard);
  }
  return bytes;
}

// `local`, and `per_layer` with TP over lsa, without the agreed vector, the runner holding no
// communicator: each rank stages only its own count and replays the graph of its own bucket,
// different from its peers' in most steps (idle ranks included), 150 steps queued before any
// result is read; every real row matches the float64 reference and no padded byte moves.
TEST_P(A2aLlDecodeTest, LocalStepsWithoutTheAgreedVectorMatchTheReference) {
  const int world = GetParam();
  const ModelSpec model = *ModelPreset("tiny");
  const int vocab = static_cast<int>(model.dims.vocab);
  const std::vector<std::vector<int>> counts = MakeCounts(world, kQueuedSteps, kSeed);
  const BucketTable buckets = *BucketTable::Create(ConfigFor(world, false).buckets);
  int steps_on_different_buckets = 0;
  for (const std::vector<int>& step : counts) {
    for (int n : step)
      steps_on_different_buckets += *buckets.Find(n) != *buckets.Find(step[0]);
  }
  ASSERT_GT(steps_on_different_buckets, kQueuedSteps / 2);
  for (const DecodeSetup& setup :
       {DecodeSetup{PolicyKind::kLocal}, DecodeSetup{PolicyKind::kPerLayer, /*tp_lsa=*/true}}) {
    SCOPED_TRACE(DecodeSetupName(setup));
    std::vector<int> rows_checked(world, 0);
    OnRanks(world, setup, /*runner_comm=*/false, [&](int rank, Rank& r) -> absl::Status {
      std::mt19937 rng(kSeed + 100 + rank);
      std::vector<std::vector<int>> tokens(kQueuedSteps);
      PADGRAPH_ASSIGN_OR_RETURN(SavedSteps saved,
                                SavedSteps::Allocate(kQueuedSteps, vocab, *r.decoder));
      for (int step = 0; step < kQueuedSteps; ++step) {
        const int n = counts[step][rank];
        tokens[step] = RandomTokens(n, vocab, rng);
        r.tokens = tokens[step];
        PADGRAPH_RETURN_IF_ERROR(r.runner->Step({.rank = rank, .local_tokens = n}));
        if (r.runner->stats().last_mode != StepMode::kGraph ||
            r.runner->stats().last_key.local_bucket != *buckets.Find(n)) {
          return absl::InternalError(
              fmt::format("rank {} step {}: {} tokens did not replay the graph of bucket {}", rank,
                          step, n, *buckets.Find(n)));
        }
        PADGRAPH_RETURN_IF_ERROR(saved.Save(step, n, *r.decoder, r.stream.get()));
      }
      PADGRAPH_RETURN_IF_ERROR(r.runner->Synchronize());
      PADGRAPH_ASSIGN_OR_RETURN(WireCounters counted, r.decoder->ReadWireCounters());
      int64_t gather_bytes = 0;
      for (int step = 0; step < kQueuedSteps && setup.tp_lsa; ++step)
        gather_bytes += LsaGatherBytes(model, world, counts[step][rank]);
      if (counted.moe_real_bytes == 0 || counted.moe_padded_bytes != 0 ||
          counted.gather_real_bytes != gather_bytes || counted.gather_padded_bytes != 0) {
        return absl::InternalError(fmt::format(
            "rank {}: wire bytes moe {} + {} padded, gather {} + {} padded (the real rows give {})",
            rank, counted.moe_real_bytes, counted.moe_padded_bytes, counted.gather_real_bytes,
            counted.gather_padded_bytes, gather_bytes));
      }
      PADGRAPH_RETURN_IF_ERROR(saved.Read());
      PADGRAPH_ASSIGN_OR_RETURN(rows_checked[rank],
                                CheckRowsAgainstTheReference(model, rank, tokens, saved));
      return absl::OkStatus();
    });
    const int total = std::accumulate(rows_checked.begin(), rows_checked.end(), 0);
    EXPECT_GT(total, 1000);
    std::printf("[ a2a_ll %s on %d GPUs ] %d rows checked, %d rank-steps off rank 0's bucket\n",
                DecodeSetupName(setup).c_str(), world, total, steps_on_different_buckets);
  }
}

// The a2a_ll bytes a rank's rows [begin, end) of one MoE layer put on the wire (Note [a2a_ll wire
// bytes]): each valid (token, k) pair owned by another rank goes and comes back once, or, when the
// dispatch carries more rows than rank_dedup_rows, each (token, other owner) once.
int64_t MoeRowBytes(const int* routing, int top_k, int local_experts, int experts, int rank,
                    int begin, int end, bool once, int64_t row_bytes) {
  int64_t moved = 0;
  for (int row = begin; row < end; ++row) {
    const int* ids = routing + static_cast<size_t>(row) * top_k;
    uint32_t owners = 0;
    for (int k = 0; k < top_k; ++k) {
      // a2a_ll.h Note [Invalid ids]: out of range or a repeat of an earlier k does not travel.
      bool valid = ids[k] >= 0 && ids[k] < experts;
      for (int j = 0; j < k && valid; ++j)
        valid = ids[j] != ids[k];
      const int owner = valid ? ids[k] / local_experts : rank;
      if (owner == rank) continue;
      if (once) {
        owners |= 1u << owner;
      } else {
        ++moved;
      }
    }
    moved += std::popcount(owners);
  }
  return 2 * moved * row_bytes;
}

// `sum` graph steps dispatch the whole bucket of the counts' sum, padded rows included; buckets
// above the transport's automatic rank_dedup_rows (40 rows on 2 ranks, 32 on 4) send them once per
// rank (a2a_ll.h Note [Rows once per rank]), the others once per pair. Over steps of both kinds,
// queued before any result is read: every real row matches the float64 reference, and the wire
// counters equal, byte for byte, what each step's recorded routing moves, real rows and padded
// rows apart (Note [a2a_ll wire bytes], CountPaddedPairs).
TEST_P(A2aLlDecodeTest, SumStepsCountTheBytesTheirRoutingMovesOnceOrPerPair) {
  const int world = GetParam();
  const ModelSpec model = *ModelPreset("tiny");
  const int vocab = static_cast<int>(model.dims.vocab);
  const int top_k = static_cast<int>(model.dims.top_k);
  const int experts = static_cast<int>(model.dims.num_experts);
  const int64_t row_bytes = model.dims.hidden * model.dims.dtype_bytes;
  const int once_above = AutoRankDedupRows(world, kMaxStepTokens);
  const BucketTable buckets = *BucketTable::Create(ConfigFor(world, false).buckets);
  // Each step's total rows, uniform in [1, kMaxStepTokens], split at random over the ranks (idle
  // ones included).
  std::mt19937 split_rng(kSeed + 7);
  std::vector<std::vector<int>> counts(kTrials, std::vector<int>(world, 0));
  int steps_once = 0;
  for (std::vector<int>& step : counts) {
    const int total = std::uniform_int_distribution<int>(1, kMaxStepTokens)(split_rng);
    for (int row = 0; row < total; ++row)
      ++step[std::uniform_int_distribution<int>(0, world - 1)(split_rng)];
    steps_once += *buckets.Find(total) > once_above;
  }
  ASSERT_GT(steps_once, 0);
  ASSERT_LT(steps_once, kTrials);
  std::vector<int> rows_checked(world, 0);
  OnRanks(world, {PolicyKind::kSum}, /*runner_comm=*/true, [&](int rank, Rank& r) -> absl::Status {
    std::mt19937 rng(kSeed + 200 + rank);
    std::vector<std::vector<int>> tokens(kTrials);
    std::vector<int> dispatched(kTrials);
    PADGRAPH_ASSIGN_OR_RETURN(SavedSteps saved, SavedSteps::Allocate(kTrials, vocab, *r.decoder));
    for (int step = 0; step < kTrials; ++step) {
      const int n = counts[step][rank];
      tokens[step] = RandomTokens(n, vocab, rng);
      r.tokens = tokens[step];
      PADGRAPH_RETURN_IF_ERROR(
          r.runner->Step({.rank = rank, .local_tokens = n, .agreed_tokens = counts[step]}));
      if (r.runner->stats().last_mode != StepMode::kGraph) {
        return absl::InternalError(fmt::format("rank {} step {}: not a graph step", rank, step));
      }
      dispatched[step] = r.runner->stats().last_key.local_bucket;
      PADGRAPH_RETURN_IF_ERROR(saved.Save(step, n, *r.decoder, r.stream.get()));
    }
    PADGRAPH_RETURN_IF_ERROR(r.runner->Synchronize());
    PADGRAPH_ASSIGN_OR_RETURN(WireCounters counted, r.decoder->ReadWireCounters());
    PADGRAPH_RETURN_IF_ERROR(saved.Read());
    const int moe_layers = saved.moe_layers(top_k);
    int64_t real_bytes = 0, padded_bytes = 0;
    for (int step = 0; step < kTrials; ++step) {
      const bool once = dispatched[step] > once_above;
      for (int layer = 0; layer < moe_layers; ++layer) {
        const int* record = saved.Routing(step, layer, top_k);
        real_bytes += MoeRowBytes(record, top_k, experts / world, experts, rank, 0,
                                  counts[step][rank], once, row_bytes);
        padded_bytes += MoeRowBytes(record, top_k, experts / world, experts, rank,
                                    counts[step][rank], dispatched[step], once, row_bytes);
      }
    }
    if (counted.moe_real_bytes != real_bytes || counted.moe_padded_bytes != padded_bytes) {
      return absl::InternalError(fmt::format(
          "rank {}: wire bytes moe {} + {} padded, the routing gives {} + {} padded", rank,
          counted.moe_real_bytes, counted.moe_padded_bytes, real_bytes, padded_bytes));
    }
    PADGRAPH_ASSIGN_OR_RETURN(rows_checked[rank],
                              CheckRowsAgainstTheReference(model, rank, tokens, saved));
    return absl::OkStatus();
  });
  const int total = std::accumulate(rows_checked.begin(), rows_checked.end(), 0);
  EXPECT_GT(total, 0);
  std::printf(
      "[ a2a_ll sum on %d GPUs ] %d steps, %d of them above rank_dedup_rows (%d), %d rows "
      "checked\n",
      world, kTrials, steps_once, once_above, total);
}

INSTANTIATE_TEST_SUITE_P(Gpus, A2aLlDecodeTest, ::testing::Values(2, 4, 8),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return fmt::format("{}gpus", info.param);
                         });

}  // namespace
}  // namespace padgraph
