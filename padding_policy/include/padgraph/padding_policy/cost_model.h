// The cost model: predicted microseconds per layer from a small table of hardware figures. A GEMM
// costs its weight bytes over memory bandwidth or its FLOPs over matrix throughput, whichever is
// larger; a collective costs a latency (plus a per-peer step) and its wire bytes over bandwidth.
// Compute and communication are added, not overlapped; KV-cache reads are not priced (the
// attention stand-in has none), and an eager step is priced as one pass over its real rows however
// many chunks it runs in. The defaults are fitted to H100 figures
// measured on the machines padgraph is developed on (see DefaultH100CostTable); a JSON file of
// measured figures can replace any of them.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "padgraph/padding_policy/model_spec.h"
#include "padgraph/padding_policy/parallel_config.h"
#include "padgraph/padding_policy/step_plan.h"

namespace padgraph {

// Prices one layer's whole use of a collective: the way in and the way back.
struct CollectiveCost {
  double latency_us = 0;   // fixed cost at world 2
  double per_peer_us = 0;  // added per peer past the first
  double gbps = 1;         // wire bytes per second per rank, in GB/s
};

struct CostTable {
  double hbm_gbps = 0;           // weight streaming
  double gemm_tflops = 0;        // bf16 matrix throughput at decode shapes
  double layer_overhead_us = 0;  // kernel launches and tails of one layer inside a graph
  CollectiveCost nccl_all_gather;
  CollectiveCost nccl_all_reduce;
  CollectiveCost nccl_send_recv;
  CollectiveCost lsa_gather;
  CollectiveCost lsa_dispatch;
  // lsa_dispatch of a rank whose dispatch carries more rows than AutoRankDedupRows (rank_dedup.h):
  // rows once per rank, priced over the same bytes of one copy per pair.
  CollectiveCost lsa_dispatch_once;
};

// H100 SXM defaults. Sources (hidden 7168 bf16, us per step inside a graph, 1 / 32 / 128 rows per
// rank): NCCL all_gather + reduce_scatter 16.0 / 22.5 / 51.2 on 2 GPUs and 23.0 / 37.7 / 85.1 on 4
// give latency 12.5 + 3.5 per extra peer and 166 GB/s (least squares over the byte-bound points);
// the all-reduce pair is priced as two such pairs. Padded all_to_all 18.6 / 42.0 / 93.3 and
// 21.4 / 49.4 / 116.7 give 17.2 + 1.4 per peer and 217 GB/s. lsa_dispatch and lsa_gather are
// padgraph's own a2a_ll and lsa_gather (a Gather and a Return) as measured on H200s, whose NVLink
// copy rate (389 GB/s) is the H100s'. lsa_dispatch, one copy per pair (a2a_ll's default up to
// AutoRankDedupRows), at 1 / 2 / 4 / 8 / 16 / 24 / 32 / 40 rows on 2 GPUs at the best SM budget:
// 7.72 / 8.12 / 9.12 / 10.55 / 12.76 / 16.45 / 19.76 / 23.31 us (988d23c's kernels;
// bench/results/2026-11-29-h200-stop36, call 3) give 7.36 us + 300 GB/s over the plan's
// uniform-routing bytes, within 5.6% of all eight. lsa_dispatch_once, a2a_ll's default above
// AutoRankDedupRows (rows once per rank), at 48 / 64 / 96 / 128 rows: 25.03 / 26.54 / 32.50 /
// 37.16 us (same call) give 17.16 us + 733 GB/s over the same one-copy bytes, within 2.4% of all
// four. tools/fit-dispatch-cost.py makes both fits from the benchmark's JSON. No 4-GPU machine has
// run these kernels, so the per-peer terms are the last 4-GPU fits' (stop 18's and 19's kernels;
// bench/results/2026-11-28-h200x4-stop18, folder 20, and -stop19, folder 2): 0 for lsa_dispatch
// (it fits as 0.1 there) and 1.0 for lsa_dispatch_once. Those kernels took 11.5 / 14.1 / 21.0 /
// 30.8 us on 4 GPUs at 1 / 8 / 16 / 32 rows, 2.2-5.1 above this fit's 7.9 / 12.0 / 16.5 / 25.7;
// on 2 GPUs they took 2.6-3.6 more than today's. If 4 GPUs gained alike, this fit is up to 2 us
// low there at 16-32 rows. lsa_gather 9.8 / 10.5 / 11.2 / 13.2 / 25.1 and 10.4 / 12.1 / 14.8 /
// 20.0 / 52.3 (bench/results/2026-11-28-h200x2-stop13, final run) give 9.7 us + 257 GB/s, within
// 5%. Each fit is least squares on relative error. Local copy 2.97 TB/s for weights; GEMMs at 600
// TFLOP/s (an 8192^3 bf16 product reached 778-798 here; decode shapes reach less).
CostTable DefaultH100CostTable();

// Work one layer does in one step on one rank, from its shape and the step's counts.
struct LayerWork {
  int64_t gemm_rows = 0;      // rows the layer's own GEMMs run over (MoE: the shared expert's)
  int64_t routed_tokens = 0;  // MoE: rows routed to experts over all ranks (padded ones included
                              // under `sum`)
  int64_t wire_bytes = 0;
  int64_t dispatch_rows = 0;  // lsa_dispatch: rows this rank's dispatch carries (padded ones too)
};

class CostModel {
 public:
  CostModel() : table_(DefaultH100CostTable()) {}
  explicit CostModel(const CostTable& table) : table_(table) {}

  // A JSON object whose fields replace the defaults, e.g.
  //   {"hbm_gbps": 3000, "lsa_dispatch": {"latency_us": 6.0, "gbps": 350}}
  // Fields: hbm_gbps, gemm_tflops, layer_overhead_us, and nccl_all_gather, nccl_all_reduce,
  // nccl_send_recv, lsa_gather, lsa_dispatch, lsa_dispatch_once (each with latency_us,
  // per_peer_us, gbps). Unknown
  // fields, wrong types and non-positive rates are errors naming the field.
  static absl::StatusOr<CostModel> FromJson(std::string_view json_text);

  const CostTable& table() const { return table_; }

  // Predicted microseconds of one layer. Allocation-free.
  double LayerUs(const ModelSpec& model, const ParallelConfig& config, const LayerShape& shape,
                 const LayerWork& work) const;

 private:
  CostTable table_;
};

}  // namespace padgraph
