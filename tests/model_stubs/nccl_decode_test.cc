// The stub decoder over 2 and 4 GPUs, one thread per GPU (and once one process per GPU): every rank
// checks its real rows against the float64 reference after 120 steps were queued (idle ranks and
// eager steps included), for MoE allgather, a2a_padded and a2a_ll and TP dense / lm_head layers
// through host gathers, and the wire bytes its collectives counted on the device: for the
// host-API backends against the bytes their sizes imply, for a2a_ll against the pairs its router
// really sent off the rank (real), and none padded but under `sum`. The a2a_ll scenarios queue
// 360 steps each: over 1,000 random and idle-rank distributions per GPU count.
#include <cuda_runtime_api.h>
#include <nccl.h>
#include <sys/wait.h>
#include <unistd.h>

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
#include "padgraph/padding_policy/policy.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph {
namespace {

constexpr uint64_t kSeed = 13;
// At most every automatic rank_dedup_rows, so that a2a_ll sends one copy per pair (a2a_ll.h Note
// [Rows once per rank]), which A2aLlRealBytes counts.
constexpr int kEpCapacity = 32;
static_assert(kEpCapacity <= kA2aLlRankDedupAutoRows);
constexpr int kMaxStepTokens = 64;
constexpr int kQueuedSteps = 120;
constexpr int kA2aLlQueuedSteps = 360;
constexpr int kLsaPerLayerQueuedSteps = 1000;  // per_layer over lsa: 1,000 distributions
constexpr double kRelativeTolerance = 3e-2;    // bf16 against float64, relative L2 of a row
constexpr double kTieTolerance = 5e-3;

int GpuCount() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess ? count : 0;
}

struct Scenario {
  std::string name;
  MoeBackend moe;
  bool tp;
  PolicyKind policy;
  int steps = kQueuedSteps;  // queued before any result is read
  GatherBackend gather = GatherBackend::kHost;
};

ParallelConfig ConfigFor(int world, const Scenario& scenario) {
  ParallelConfig config;
  config.world = config.dp = world;
  config.dense_tp = scenario.tp ? world : 1;
  config.lm_head = scenario.tp ? LmHeadMode::kTp : LmHeadMode::kDp;
  config.moe = scenario.moe;
  config.gather_backend = scenario.gather;
  config.buckets = {1, 2, 4, 8, 16, 24, 32};
  config.ep_capacity = kEpCapacity;
  return config;
}

// Every rank's tokens per step, the same on every rank (the agreed counts).
std::vector<std::vector<std::vector<int>>> MakeSteps(int world, int vocab, uint64_t seed,
                                                     int count) {
  std::mt19937 rng(seed);
  std::vector<std::vector<std::vector<int>>> steps(count, std::vector<std::vector<int>>(world));
  for (auto& step : steps) {
    for (auto& tokens : step) {
      int pick = std::uniform_int_distribution<int>(0, 19)(rng);
      int n = pick < 5    ? 0
              : pick < 19 ? std::uniform_int_distribution<int>(1, 20)(rng)
                          : std::uniform_int_distribution<int>(33, kMaxStepTokens)(rng);
      for (int i = 0; i < n; ++i)
        tokens.push_back(std::uniform_int_distribution<int>(0, vocab - 1)(rng));
    }
  }
  return steps;
}

// The wire bytes a2a_ll moves for one rank (cuda_decoder.h, Note [a2a_ll wire bytes]): each
// (token, k) of its real rows whose expert another rank owns goes there and back (no rank sends
// rows once per rank at kEpCapacity rows).
int64_t A2aLlRealBytes(const ModelSpec& model, int world, int rank, int rows, const int* routing,
                       int moe_layers) {
  const int top_k = static_cast<int>(model.dims.top_k);
  const int local_experts = static_cast<int>(model.dims.num_experts) / world;
  int64_t bytes = 0;
  for (int layer = 0; layer < moe_layers; ++layer) {
    for (int pair = 0; pair < rows * top_k; ++pair) {
      const int expert = routing[layer * kMaxStepTokens * top_k + pair];
      if (expert / local_experts != rank) bytes += 2 * model.row_bytes();
    }
  }
  return bytes;
}

// One rank's whole run: set-up, Capture, the queued steps, the check, teardown in order (graphs,
// then the decoder's transport, then the communicator). Returns what it found, so threads and
// processes can report it.
absl::Status RunRank(int world, int rank, const ncclUniqueId& id, const Scenario& scenario,
                     int* rows_checked) {
  if (cudaSetDevice(rank) != cudaSuccess) return absl::InternalError("cudaSetDevice failed");
  const ModelSpec model = *ModelPreset("tiny");
  const int vocab = static_cast<int>(model.dims.vocab);
  const ParallelConfig config = ConfigFor(world, scenario);
  const int queued = scenario.steps;
  auto steps = MakeSteps(world, vocab, kSeed, queued);

  PADGRAPH_ASSIGN_OR_RETURN(NcclComm comm, NcclComm::InitRank(world, rank, id));
  CudaStream stream;
  std::unique_ptr<CudaDecoder> decoder;  // outlives the runner: shut down after its graphs
  absl::Status result = [&]() -> absl::Status {
    PADGRAPH_ASSIGN_OR_RETURN(stream, MakeStream());
    PADGRAPH_ASSIGN_OR_RETURN(decoder, CudaDecoder::Create(model, kSeed, config, rank, comm.get(),
                                                           kMaxStepTokens, stream.get()));
    PADGRAPH_ASSIGN_OR_RETURN(std::unique_ptr<Policy> policy,
                              MakePolicy(scenario.policy, model, config));
    std::vector<int> tokens;
    PADGRAPH_ASSIGN_OR_RETURN(
        std::unique_ptr<CudaGraphRunner> runner,
        CudaGraphRunner::Create(
            std::move(policy), stream.get(),
            [&](const CudaForwardArgs& args) { return decoder->Forward(args); },
            [&](const StageArgs& args) { return decoder->Stage(args, tokens); },
            {.static_buffers = decoder->static_buffers(), .comm = comm.get()}));
    PADGRAPH_RETURN_IF_ERROR(runner->Capture());

    const size_t logits_per_step = static_cast<size_t>(kMaxStepTokens) * vocab;
    const size_t routing_per_step = decoder->routing_record_ints();
    PADGRAPH_ASSIGN_OR_RETURN(DeviceBuffer saved_logits,
                              DeviceBuffer::Allocate(queued * logits_per_step * sizeof(float)));
    PADGRAPH_ASSIGN_OR_RETURN(DeviceBuffer saved_routing,
                              DeviceBuffer::Allocate(queued * routing_per_step * sizeof(int)));
    for (int step = 0; step < queued; ++step) {
      tokens = steps[step][rank];
      std::vector<int> counts;
      for (const auto& rank_tokens : steps[step])
        counts.push_back(static_cast<int>(rank_tokens.size()));
      PADGRAPH_RETURN_IF_ERROR(
          runner->Step({.rank = rank, .local_tokens = counts[rank], .agreed_tokens = counts}));
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(
          saved_logits.data<float>() + step * logits_per_step, decoder->logits_device(),
          counts[rank] * vocab * sizeof(float), cudaMemcpyDeviceToDevice, stream.get()));
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(
          saved_routing.data<int>() + step * routing_per_step, decoder->routing_device(),
          routing_per_step * sizeof(int), cudaMemcpyDeviceToDevice, stream.get()));
    }
    PADGRAPH_RETURN_IF_ERROR(runner->Synchronize());
    std::vector<float> logits(queued * logits_per_step);
    std::vector<int> routing(queued * routing_per_step);
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(
        logits.data(), saved_logits.data(), logits.size() * sizeof(float), cudaMemcpyDeviceToHost));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(routing.data(), saved_routing.data(),
                                             routing.size() * sizeof(int), cudaMemcpyDeviceToHost));
    const int top_k = static_cast<int>(model.dims.top_k);
    const int moe_layers = static_cast<int>(routing_per_step / (kMaxStepTokens * top_k));

    // The bytes the collectives counted on the device equal what the plans say their sizes move;
    // a2a_ll's MoE bytes, what the router's choices imply.
    PADGRAPH_ASSIGN_OR_RETURN(WireCounters counted, decoder->ReadWireCounters());
    PADGRAPH_ASSIGN_OR_RETURN(std::unique_ptr<Policy> planner,
                              MakePolicy(scenario.policy, model, config));
    // A padded row is NaN, and a row of NaN router logits goes to experts 0..top_k-1 (RouteTopK:
    // ties to the lower index): under `sum`, whose dispatch count is the bucket, those pairs move.
    std::vector<int> nan_row_experts(top_k);
    std::iota(nan_row_experts.begin(), nan_row_experts.end(), 0);
    const int64_t padded_row_bytes =
        A2aLlRealBytes(model, world, rank, 1, nan_row_experts.data(), 1);
    WireCounters expected;
    for (int step = 0; step < queued; ++step) {
      std::vector<int> counts;
      for (const auto& t : steps[step])
        counts.push_back(static_cast<int>(t.size()));
      PADGRAPH_ASSIGN_OR_RETURN(StepPlan plan, PlanStep(*planner, {.rank = rank,
                                                                   .local_tokens = counts[rank],
                                                                   .agreed_tokens = counts}));
      for (const LayerPlan& layer : plan.layers) {
        const bool moe = layer.shape.kind == LayerKind::kMoe;
        if (layer.shape.collective == Collective::kLsaDispatch) {
          if (layer.shape.padded_rows_sent) {
            expected.moe_padded_bytes += (layer.shape.input_rows - counts[rank]) * padded_row_bytes;
          }
          continue;
        }
        (moe ? expected.moe_real_bytes : expected.gather_real_bytes) +=
            layer.wire_bytes - layer.padded_wire_bytes;
        (moe ? expected.moe_padded_bytes : expected.gather_padded_bytes) += layer.padded_wire_bytes;
      }
      if (scenario.moe == MoeBackend::kA2aLl) {
        expected.moe_real_bytes += A2aLlRealBytes(model, world, rank, counts[rank],
                                                  &routing[step * routing_per_step], moe_layers);
      }
    }
    if (counted.moe_real_bytes != expected.moe_real_bytes ||
        counted.moe_padded_bytes != expected.moe_padded_bytes ||
        counted.gather_real_bytes != expected.gather_real_bytes ||
        counted.gather_padded_bytes != expected.gather_padded_bytes) {
      return absl::InternalError(fmt::format(
          "rank {}: counted wire bytes moe {} + {} padded, gather {} + {} padded; expected "
          "moe {} + {}, gather {} + {}",
          rank, counted.moe_real_bytes, counted.moe_padded_bytes, counted.gather_real_bytes,
          counted.gather_padded_bytes, expected.moe_real_bytes, expected.moe_padded_bytes,
          expected.gather_real_bytes, expected.gather_padded_bytes));
    }
    if (runner->stats().eager_steps == 0 || runner->stats().graph_launches == 0) {
      return absl::InternalError("the steps exercised no eager step or no graph");
    }
    runner.reset();  // graphs before the transport and the communicator they captured

    PADGRAPH_ASSIGN_OR_RETURN(ReferenceModel reference, ReferenceModel::Create(StubWeights(
                                                            model, kSeed, WeightPrecision::kBf16)));
    RowChecker checker(reference, kRelativeTolerance, kTieTolerance);
    for (int step = 0; step < queued; ++step) {
      const std::vector<int>& mine = steps[step][rank];
      for (size_t row = 0; row < mine.size(); ++row) {
        const RowComparison check =
            checker.Compare(mine[row], &logits[step * logits_per_step + row * vocab],
                            RoutingOfRow(&routing[step * routing_per_step], moe_layers,
                                         kMaxStepTokens, top_k, static_cast<int>(row)));
        if (!(check.relative_error <= kRelativeTolerance)) {
          return absl::InternalError(fmt::format(
              "rank {} step {} row {} (token {}): relative error {} against the reference ({} "
              "before taking the device's routing, which {} the reference's)",
              rank, step, row, mine[row], check.relative_error, check.unrouted_error,
              check.routing_differs ? "differs from" : "equals"));
        }
        ++*rows_checked;
      }
    }
    return absl::OkStatus();
  }();
  // Every rank gets here, failed or not: the transport's teardown is collective.
  absl::Status shut_down = decoder != nullptr ? decoder->Shutdown() : absl::OkStatus();
  decoder.reset();
  absl::Status finalized = comm.Finalize();
  PADGRAPH_RETURN_IF_ERROR(result);
  PADGRAPH_RETURN_IF_ERROR(shut_down);
  return finalized;
}

const std::vector<Scenario>& Scenarios() {
  static const auto* scenarios = new std::vector<Scenario>{
      {"a2a_padded_tp_max", MoeBackend::kA2aPadded, true, PolicyKind::kMax},
      {"a2a_padded_tp_per_layer", MoeBackend::kA2aPadded, true, PolicyKind::kPerLayer},
      {"a2a_padded_sum", MoeBackend::kA2aPadded, false, PolicyKind::kSum},
      {"allgather_max", MoeBackend::kAllGather, false, PolicyKind::kMax},
      {"allgather_tp_auto", MoeBackend::kAllGather, true, PolicyKind::kAuto},
      {"allgather_tp_sum", MoeBackend::kAllGather, true, PolicyKind::kSum},
      {"allgather_sum", MoeBackend::kAllGather, false, PolicyKind::kSum},
      {"a2a_padded_tp_sum", MoeBackend::kA2aPadded, true, PolicyKind::kSum},
      {"a2a_ll_local", MoeBackend::kA2aLl, false, PolicyKind::kLocal, kA2aLlQueuedSteps},
      {"a2a_ll_max", MoeBackend::kA2aLl, false, PolicyKind::kMax, kA2aLlQueuedSteps},
      {"a2a_ll_sum", MoeBackend::kA2aLl, false, PolicyKind::kSum, kA2aLlQueuedSteps},
      {"a2a_ll_tp_max", MoeBackend::kA2aLl, true, PolicyKind::kMax, kA2aLlQueuedSteps},
      {"a2a_ll_tp_per_layer_lsa", MoeBackend::kA2aLl, true, PolicyKind::kPerLayer,
       kLsaPerLayerQueuedSteps, GatherBackend::kLsa},
      {"a2a_ll_tp_max_lsa", MoeBackend::kA2aLl, true, PolicyKind::kMax, kA2aLlQueuedSteps,
       GatherBackend::kLsa},
      {"a2a_ll_tp_auto_lsa", MoeBackend::kA2aLl, true, PolicyKind::kAuto, kA2aLlQueuedSteps,
       GatherBackend::kLsa},
  };
  return *scenarios;
}

class NcclDecodeTest : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(NcclDecodeTest, EveryRankMatchesTheReferenceWithStepsQueued) {
  const int world = std::get<0>(GetParam());
  const Scenario& scenario = Scenarios()[std::get<1>(GetParam())];
  if (GpuCount() < world) {
    GTEST_SKIP() << "needs " << world << " GPUs, found " << GpuCount();
  }
  ncclUniqueId id;
  ASSERT_EQ(ncclGetUniqueId(&id), ncclSuccess);
  std::vector<absl::Status> status(world);
  std::vector<int> rows(world, 0);
  std::vector<std::thread> threads;
  for (int rank = 0; rank < world; ++rank) {
    threads.emplace_back(
        [&, rank] { status[rank] = RunRank(world, rank, id, scenario, &rows[rank]); });
  }
  for (std::thread& thread : threads)
    thread.join();
  int total = 0;
  for (int rank = 0; rank < world; ++rank) {
    EXPECT_TRUE(status[rank].ok()) << "rank " << rank << ": " << status[rank];
    total += rows[rank];
  }
  EXPECT_GT(total, 1000);
  std::printf("[ %s on %d GPUs ] %d rows checked\n", scenario.name.c_str(), world, total);
}

INSTANTIATE_TEST_SUITE_P(Gpus, NcclDecodeTest,
                         ::testing::Combine(::testing::Values(2, 4, 8),
                                            ::testing::Range(0,
                                                             static_cast<int>(Scenarios().size()))),
                         [](const ::testing::TestParamInfo<std::tuple<int, int>>& info) {
                           return fmt::format("{}gpus_{}", std::get<0>(info.param),
                                              Scenarios()[std::get<1>(info.param)].name);
                         });

// One process per GPU: rank 0 makes the NCCL id and hands it to the others through pipes; no
// process touches CUDA before it forks.
TEST(NcclMultiProcessTest, OneProcessPerGpu) {
  constexpr int kWorld = 2;
  int gpus = 0;
  {
    // Count GPUs in a child so this process stays free of CUDA until it forks.
    int pipe_fd[2];
    ASSERT_EQ(pipe(pipe_fd), 0);
    pid_t child = fork();
    if (child == 0) {
      int count = GpuCount();
      (void)!write(pipe_fd[1], &count, sizeof(count));
      _exit(0);
    }
    (void)!read(pipe_fd[0], &gpus, sizeof(gpus));
    waitpid(child, nullptr, 0);
    close(pipe_fd[0]);
    close(pipe_fd[1]);
  }
  if (gpus < kWorld) GTEST_SKIP() << "needs " << kWorld << " GPUs, found " << gpus;
  int id_pipe[2];
  ASSERT_EQ(pipe(id_pipe), 0);
  std::vector<pid_t> children;
  for (int rank = 0; rank < kWorld; ++rank) {
    pid_t pid = fork();
    if (pid == 0) {
      ncclUniqueId id;
      if (rank == 0) {
        if (ncclGetUniqueId(&id) != ncclSuccess) _exit(3);
        for (int peer = 1; peer < kWorld; ++peer)
          (void)!write(id_pipe[1], &id, sizeof(id));
      } else if (read(id_pipe[0], &id, sizeof(id)) != sizeof(id)) {
        _exit(4);
      }
      int rows = 0;
      absl::Status status = RunRank(kWorld, rank, id, Scenarios()[0], &rows);
      if (!status.ok()) std::fprintf(stderr, "rank %d: %s\n", rank, status.ToString().c_str());
      _exit(status.ok() && rows > 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (int rank = 0; rank < kWorld; ++rank) {
    int wait_status = 0;
    ASSERT_EQ(waitpid(children[rank], &wait_status, 0), children[rank]);
    EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0)
        << "rank " << rank << " exited with " << WEXITSTATUS(wait_status);
  }
}

}  // namespace
}  // namespace padgraph
