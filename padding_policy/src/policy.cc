// The five policies. sum, max, local and per_layer differ only in which count picks the bucket and
// in the key layout that count implies (KeyFamily), so one class serves them; auto prices its
// valid siblings every step and delegates to the cheapest.
#include "padgraph/padding_policy/policy.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "accounting.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "padgraph/padding_policy/buckets.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph {
namespace {

using padding_policy_internal::AccountLayer;
using padding_policy_internal::CountsOf;
using padding_policy_internal::LayerTraffic;
using padding_policy_internal::StepCounts;

// Layers that need other ranks' rows (DESIGN.md's gather layers); none with a single rank.
bool DenseGathers(const ParallelConfig& config) {
  return config.world > 1 && config.dense_mode() == DenseMode::kTp;
}
bool LmHeadGathers(const ParallelConfig& config) {
  return config.world > 1 && config.lm_head == LmHeadMode::kTp;
}
bool TpGathers(const ParallelConfig& config) {
  return DenseGathers(config) || LmHeadGathers(config);
}
bool MoeGathers(const ParallelConfig& config) {
  return config.world > 1 && config.moe == MoeBackend::kAllGather;
}
bool GathersRows(const ParallelConfig& config, LayerKind kind) {
  return (kind == LayerKind::kDenseFfn && DenseGathers(config)) ||
         (kind == LayerKind::kLmHead && LmHeadGathers(config));
}

// per_layer keeps ranks on their own buckets exactly when every cross-rank operation uses the
// device API (Note [Which keys may differ across ranks]).
bool DeviceApiOnly(const ParallelConfig& config) {
  return config.world == 1 ||
         (config.moe == MoeBackend::kA2aLl &&
          (!TpGathers(config) || config.gather_backend == GatherBackend::kLsa));
}

std::string DecoderLayers(int first, int last) {
  return first == last ? fmt::format("decoder layer {}", first)
                       : fmt::format("decoder layers {}-{}", first, last);
}

// Why `local` cannot run `config`, one entry per offending group of layers.
std::vector<std::string> LocalProblems(const ParallelConfig& config, const ModelSpec& model) {
  const ModelDims& dims = model.dims;
  const std::string_view pads_local = "; policy local pads to the local bucket only";
  std::vector<std::string> problems;
  if (DenseGathers(config) && dims.first_moe_layer > 0) {
    problems.push_back(fmt::format("{} (dense_ffn, TP over {} ranks) {} every rank's rows{}",
                                   DecoderLayers(0, dims.first_moe_layer - 1), config.world,
                                   dims.first_moe_layer > 1 ? "need" : "needs", pads_local));
  }
  bool has_moe = dims.first_moe_layer < dims.num_decoder_layers;
  std::string moe_layers = DecoderLayers(dims.first_moe_layer, dims.num_decoder_layers - 1);
  std::string_view moe_verb = dims.num_decoder_layers - dims.first_moe_layer > 1 ? "need" : "needs";
  if (has_moe && MoeGathers(config)) {
    problems.push_back(fmt::format("{} (moe, allgather backend) {} every rank's rows{}", moe_layers,
                                   moe_verb, pads_local));
  }
  if (has_moe && config.world > 1 && config.moe == MoeBackend::kA2aPadded) {
    problems.push_back(
        fmt::format("{} (moe, a2a_padded backend) run host-API NCCL send/recv inside the graph, "
                    "which every rank must replay with the peer graph captured with it (rule 1); "
                    "policy local lets each rank pick its own bucket",
                    moe_layers));
  }
  if (LmHeadGathers(config)) {
    problems.push_back(fmt::format("lm_head (TP over {} ranks) needs every rank's rows{}",
                                   config.world, pads_local));
  }
  return problems;
}

// The key layouts the policies choose from.
enum class KeyFamily {
  kSum,    // bucket(sum n) on every rank; gathers through an all-reduce of a zero-filled buffer
  kMax,    // bucket(max n) on every rank; gathers per gather_backend
  kLocal,  // bucket(n_r) per rank; device-API traffic only
};

// The layer shapes of an eager step: the real rows, unpadded (rule 4).
LayerShape EagerShape(const ParallelConfig& config, const Layer& layer, int index,
                      const StepCounts& counts) {
  LayerShape shape{.index = index,
                   .kind = layer.kind,
                   .decoder_layer = layer.decoder_layer,
                   .input_rows = counts.rank_tokens,
                   .pad_target = PadTarget::kNone};
  if (GathersRows(config, layer.kind)) {
    shape.input_rows = counts.sum_tokens;
    shape.collective = config.gather_backend == GatherBackend::kHost ? Collective::kNcclAllGather
                                                                     : Collective::kLsaGather;
  } else if (layer.kind == LayerKind::kMoe && config.world > 1) {
    switch (config.moe) {
      case MoeBackend::kAllGather:
        shape.input_rows = counts.sum_tokens;
        shape.collective = Collective::kNcclAllGather;
        break;
      case MoeBackend::kA2aPadded:
        shape.collective = Collective::kNcclSendRecv;
        break;
      case MoeBackend::kA2aLl:
        shape.collective = Collective::kLsaDispatch;
        break;
    }
  }
  return shape;
}

std::string EagerReasonText(const KeySelection& selection) {
  std::string who =
      selection.eager_rank >= 0
          ? fmt::format("rank {} has {} tokens", selection.eager_rank, selection.eager_rows)
          : fmt::format("the sum over ranks is {} tokens", selection.eager_rows);
  if (selection.eager_reason == EagerReason::kPastEpCapacity) {
    return fmt::format("{}, whose bucket {} is past ep_capacity {}", who, selection.eager_bucket,
                       selection.eager_limit);
  }
  return fmt::format("{}, past the largest bucket {}", who, selection.eager_limit);
}

// sum, max, local and per_layer.
class BucketPolicy final : public Policy {
 public:
  BucketPolicy(PolicyKind kind, KeyFamily family, ModelSpec model, ParallelConfig config,
               BucketTable buckets)
      : Policy(std::move(model), std::move(config)),
        kind_(kind),
        family_(family),
        buckets_(std::move(buckets)) {}

  PolicyKind kind() const override { return kind_; }
  bool needs_agreement() const override { return family_ != KeyFamily::kLocal; }

  std::vector<GraphKey> CaptureKeys() const override {
    std::vector<GraphKey> keys;
    for (int bucket : buckets_.sizes()) {
      if (Capturable(bucket)) keys.push_back(MakeKey(bucket));
    }
    std::sort(keys.begin(), keys.end(), CapturesBefore);
    return keys;
  }

  absl::StatusOr<KeyPlan> Plan(const GraphKey& key) const override {
    std::optional<int> bucket = buckets_.Find(key.local_bucket);
    if (!bucket || *bucket != key.local_bucket || !Capturable(*bucket) ||
        !(MakeKey(*bucket) == key)) {
      return absl::InvalidArgumentError(
          fmt::format("graph key {{{}}} is not one policy {} captures for this config",
                      GraphKeyString(key), PolicyKindName(kind_)));
    }
    return BuildPlan(key);
  }

  absl::StatusOr<KeySelection> SelectKey(const StepShape& shape) const override {
    PADGRAPH_RETURN_IF_ERROR(CheckShape(shape));
    const bool agreed = !shape.agreed_tokens.empty();
    // The count that decides graph or eager for every rank (owner -1: the sum), and the count
    // this rank's bucket is chosen from. A local bucket fits exactly when the largest one does.
    int64_t rows = shape.local_tokens;
    int owner = shape.rank;
    int max_tokens = shape.local_tokens;
    if (agreed) {
      auto max_it = std::max_element(shape.agreed_tokens.begin(), shape.agreed_tokens.end());
      max_tokens = *max_it;
      rows = max_tokens;
      owner = static_cast<int>(max_it - shape.agreed_tokens.begin());
      if (family_ == KeyFamily::kSum) {
        rows = 0;
        for (int tokens : shape.agreed_tokens)
          rows += tokens;
        owner = -1;
      }
    }
    const int64_t bucket_rows = family_ == KeyFamily::kLocal ? shape.local_tokens : rows;

    KeySelection selection{.planned_by = kind_};
    std::optional<int> bucket = buckets_.Find(rows);
    if (bucket && Capturable(*bucket)) {
      selection.mode = StepMode::kGraph;
      selection.key = MakeKey(*buckets_.Find(bucket_rows));
      return selection;
    }
    selection.eager_reason =
        bucket ? EagerReason::kPastEpCapacity : EagerReason::kPastLargestBucket;
    selection.eager_rank = owner;
    selection.eager_rows =
        static_cast<int>(std::min<int64_t>(rows, std::numeric_limits<int>::max()));
    selection.eager_bucket = bucket.value_or(0);
    selection.eager_limit = bucket ? config().ep_capacity : buckets_.largest();
    if (!agreed) {
      return absl::FailedPreconditionError(
          fmt::format("rank {}: {}; without step_shape.agreed_tokens the step cannot go eager on "
                      "every rank together (rule 4)",
                      shape.rank, EagerReasonText(selection)));
    }
    selection.mode = StepMode::kEager;
    selection.eager_chunks =
        config().moe_is_all_to_all()
            ? std::max(1, (max_tokens + config().ep_capacity - 1) / config().ep_capacity)
            : 1;
    return selection;
  }

 private:
  // For the all-to-all backends the key's MoE rows (its local bucket) must fit ep_capacity.
  bool Capturable(int bucket) const {
    return !config().moe_is_all_to_all() || bucket <= config().ep_capacity;
  }

  PadTarget LocalPadTarget() const {
    switch (family_) {
      case KeyFamily::kSum:
        return PadTarget::kGlobalSum;
      case KeyFamily::kMax:
        return PadTarget::kGlobalMax;
      case KeyFamily::kLocal:
        return PadTarget::kLocal;
    }
    return PadTarget::kLocal;
  }

  GraphKey MakeKey(int bucket) const {
    const ParallelConfig& c = config();
    GraphKey key{
        .local_bucket = bucket, .dense = c.dense_mode(), .lm_head = c.lm_head, .moe = c.moe};
    auto set_gather = [&key](int gather_bucket, GatherLayout layout) {
      key.gather_bucket = gather_bucket;
      key.gather_layout = layout;
    };
    switch (family_) {
      case KeyFamily::kSum:
        if (TpGathers(c) || MoeGathers(c)) set_gather(bucket, GatherLayout::kAllReduceSum);
        break;
      case KeyFamily::kMax:
        if (TpGathers(c)) {
          if (c.gather_backend == GatherBackend::kHost) {
            set_gather(bucket, GatherLayout::kAllGather);
          } else {
            set_gather(buckets_.largest(), GatherLayout::kDeviceCount);
          }
        } else if (MoeGathers(c)) {
          set_gather(bucket, GatherLayout::kAllGather);
        }
        break;
      case KeyFamily::kLocal:
        if (TpGathers(c)) set_gather(buckets_.largest(), GatherLayout::kDeviceCount);
        break;
    }
    return key;
  }

  KeyPlan BuildPlan(const GraphKey& key) const {
    const ParallelConfig& c = config();
    const int64_t world = c.world;
    const PadTarget local_pad = LocalPadTarget();
    KeyPlan plan{.key = key, .local_pad_target = local_pad, .layers = {}};
    plan.layers.reserve(model().layers.size());
    for (size_t i = 0; i < model().layers.size(); ++i) {
      const Layer& layer = model().layers[i];
      LayerShape shape{.index = static_cast<int>(i),
                       .kind = layer.kind,
                       .decoder_layer = layer.decoder_layer,
                       .input_rows = key.local_bucket,
                       .pad_target = local_pad};
      if (GathersRows(c, layer.kind)) {
        switch (key.gather_layout) {
          case GatherLayout::kAllGather:
            shape = {shape.index,
                     shape.kind,
                     shape.decoder_layer,
                     world * key.gather_bucket,
                     PadTarget::kGlobalMax,
                     Collective::kNcclAllGather,
                     true};
            break;
          case GatherLayout::kAllReduceSum:
            shape = {shape.index,
                     shape.kind,
                     shape.decoder_layer,
                     key.gather_bucket,
                     PadTarget::kGlobalSum,
                     Collective::kNcclAllReduce,
                     true};
            break;
          case GatherLayout::kDeviceCount:
            shape = {shape.index,
                     shape.kind,
                     shape.decoder_layer,
                     world * key.gather_bucket,
                     PadTarget::kDeviceCount,
                     Collective::kLsaGather,
                     false};
            break;
          case GatherLayout::kNone:
            PADGRAPH_CHECK(false && "a gather layer in a key without a gather layout");
        }
      } else if (layer.kind == LayerKind::kMoe && world > 1) {
        switch (c.moe) {
          case MoeBackend::kAllGather:
            if (key.gather_layout == GatherLayout::kAllReduceSum) {
              shape.input_rows = key.gather_bucket;
              shape.collective = Collective::kNcclAllReduce;
            } else {
              shape.input_rows = world * key.local_bucket;
              shape.pad_target = PadTarget::kGlobalMax;
              shape.collective = Collective::kNcclAllGather;
            }
            shape.padded_rows_sent = true;
            break;
          case MoeBackend::kA2aPadded:
            shape.collective = Collective::kNcclSendRecv;
            shape.padded_rows_sent = true;
            break;
          case MoeBackend::kA2aLl:
            // The dispatch reads the count staged on the device: the real one, except under
            // `sum`, which stages the bucket as the engines it replaces did.
            shape.collective = Collective::kLsaDispatch;
            shape.padded_rows_sent = local_pad == PadTarget::kGlobalSum;
            break;
        }
      }
      plan.layers.push_back(shape);
    }
    return plan;
  }

  absl::Status CheckShape(const StepShape& shape) const {
    const int world = config().world;
    if (shape.rank < 0 || shape.rank >= world) {
      return absl::InvalidArgumentError(
          fmt::format("step_shape.rank {} is out of range [0, {})", shape.rank, world));
    }
    if (shape.local_tokens < 0) {
      return absl::InvalidArgumentError(
          fmt::format("step_shape.local_tokens {} must be >= 0", shape.local_tokens));
    }
    if (shape.agreed_tokens.empty()) {
      if (needs_agreement()) {
        return absl::FailedPreconditionError(fmt::format(
            "policy {} needs step_shape.agreed_tokens (every rank's count) for this config",
            PolicyKindName(kind_)));
      }
      return absl::OkStatus();
    }
    if (static_cast<int>(shape.agreed_tokens.size()) != world) {
      return absl::InvalidArgumentError(
          fmt::format("step_shape.agreed_tokens has {} entries; world is {}",
                      shape.agreed_tokens.size(), world));
    }
    for (int r = 0; r < world; ++r) {
      if (shape.agreed_tokens[r] < 0) {
        return absl::InvalidArgumentError(
            fmt::format("step_shape.agreed_tokens[{}] {} must be >= 0", r, shape.agreed_tokens[r]));
      }
    }
    if (shape.agreed_tokens[shape.rank] != shape.local_tokens) {
      return absl::InvalidArgumentError(
          fmt::format("step_shape.agreed_tokens[{}] {} differs from step_shape.local_tokens {}",
                      shape.rank, shape.agreed_tokens[shape.rank], shape.local_tokens));
    }
    return absl::OkStatus();
  }

  PolicyKind kind_;
  KeyFamily family_;
  BucketTable buckets_;
};

// Layers of one plan with equal shapes, priced once.
struct LayerGroup {
  LayerShape shape;
  int count = 0;
};

std::vector<LayerGroup> GroupLayers(const std::vector<LayerShape>& layers) {
  std::vector<LayerGroup> groups;
  for (const LayerShape& layer : layers) {
    auto same = [&layer](const LayerGroup& group) {
      const LayerShape& s = group.shape;
      return s.kind == layer.kind && s.input_rows == layer.input_rows &&
             s.pad_target == layer.pad_target && s.collective == layer.collective &&
             s.padded_rows_sent == layer.padded_rows_sent;
    };
    auto it = std::find_if(groups.begin(), groups.end(), same);
    if (it == groups.end()) {
      groups.push_back({layer, 1});
    } else {
      ++it->count;
    }
  }
  return groups;
}

// Note [How auto chooses]
// Every step, auto prices each valid candidate policy on the agreed counts and takes the one with
// the lowest predicted step time, ties going to the earlier of per_layer, local, max, sum. A step
// lasts as long as its slowest rank, and every per-rank cost grows with the rank's own count
// (bucket, wire bytes) while the global terms are shared, so the slowest rank is the one with the
// most tokens: one rank is priced per candidate. Every rank computes the same choice from the same
// agreed vector, so keys stay consistent across ranks whatever the candidate.
class AutoPolicy final : public Policy {
 public:
  static absl::StatusOr<std::unique_ptr<Policy>> Create(const ModelSpec& model,
                                                        const ParallelConfig& config,
                                                        const CostModel& cost_model) {
    auto policy = std::unique_ptr<AutoPolicy>(new AutoPolicy(model, config, cost_model));
    for (PolicyKind kind :
         {PolicyKind::kPerLayer, PolicyKind::kLocal, PolicyKind::kMax, PolicyKind::kSum}) {
      if (!Validate(config, kind, model).ok()) continue;
      PADGRAPH_ASSIGN_OR_RETURN(std::unique_ptr<Policy> candidate,
                                MakePolicy(kind, model, config, cost_model));
      Candidate entry{.policy = std::move(candidate), .groups = {}};
      for (const GraphKey& key : entry.policy->CaptureKeys()) {
        PADGRAPH_ASSIGN_OR_RETURN(KeyPlan plan, entry.policy->Plan(key));
        entry.groups.emplace(key, GroupLayers(plan.layers));
      }
      policy->candidates_.push_back(std::move(entry));
    }
    // Eager shapes depend on the layer kind only: one representative per kind.
    for (size_t i = 0; i < model.layers.size(); ++i) {
      auto& groups = policy->eager_groups_;
      auto it = std::find_if(groups.begin(), groups.end(), [&](const EagerGroup& group) {
        return model.layers[group.index].kind == model.layers[i].kind;
      });
      if (it == groups.end()) {
        groups.push_back({static_cast<int>(i), 1});
      } else {
        ++it->count;
      }
    }
    return policy;
  }

  PolicyKind kind() const override { return PolicyKind::kAuto; }
  bool needs_agreement() const override { return true; }

  std::vector<GraphKey> CaptureKeys() const override {
    absl::flat_hash_set<GraphKey> seen;
    std::vector<GraphKey> keys;
    for (const Candidate& candidate : candidates_) {
      for (const GraphKey& key : candidate.policy->CaptureKeys()) {
        if (seen.insert(key).second) keys.push_back(key);
      }
    }
    std::sort(keys.begin(), keys.end(), CapturesBefore);
    return keys;
  }

  absl::StatusOr<KeyPlan> Plan(const GraphKey& key) const override {
    for (const Candidate& candidate : candidates_) {
      if (candidate.groups.contains(key)) return candidate.policy->Plan(key);
    }
    return absl::InvalidArgumentError(fmt::format(
        "graph key {{{}}} is not one policy auto captures for this config", GraphKeyString(key)));
  }

  absl::StatusOr<KeyPlan> PlanFor(const KeySelection& selection) const override {
    for (const Candidate& candidate : candidates_) {
      if (candidate.policy->kind() == selection.planned_by) {
        return candidate.policy->Plan(selection.key);
      }
    }
    return absl::InvalidArgumentError(
        fmt::format("policy {} is not a candidate of auto for this config",
                    PolicyKindName(selection.planned_by)));
  }

  absl::StatusOr<KeySelection> SelectKey(const StepShape& shape) const override {
    if (shape.agreed_tokens.empty()) {
      return absl::FailedPreconditionError(
          "policy auto needs step_shape.agreed_tokens (every rank's count)");
    }
    const Candidate* best = nullptr;
    double best_us = std::numeric_limits<double>::infinity();
    for (const Candidate& candidate : candidates_) {
      // Checks the shape too: every candidate sees the same one.
      PADGRAPH_ASSIGN_OR_RETURN(double step_us, PriceStep(candidate, shape));
      if (step_us < best_us) {
        best_us = step_us;
        best = &candidate;
      }
    }
    PADGRAPH_CHECK(best != nullptr);
    return best->policy->SelectKey(shape);
  }

 private:
  struct Candidate {
    std::unique_ptr<Policy> policy;
    absl::flat_hash_map<GraphKey, std::vector<LayerGroup>> groups;
  };
  struct EagerGroup {
    int index = 0;  // a layer of this kind
    int count = 0;
  };

  AutoPolicy(const ModelSpec& model, const ParallelConfig& config, const CostModel& cost_model)
      : Policy(model, config), cost_model_(cost_model) {}

  // Predicted step time of `candidate`: that of the rank with the most tokens (Note [How auto
  // chooses]). Allocation-free.
  absl::StatusOr<double> PriceStep(const Candidate& candidate, const StepShape& shape) const {
    auto max_it = std::max_element(shape.agreed_tokens.begin(), shape.agreed_tokens.end());
    StepShape slowest{.rank = static_cast<int>(max_it - shape.agreed_tokens.begin()),
                      .local_tokens = *max_it,
                      .agreed_tokens = shape.agreed_tokens};
    // The caller's own shape is checked first, so its errors name its own fields.
    PADGRAPH_RETURN_IF_ERROR(candidate.policy->SelectKey(shape).status());
    PADGRAPH_ASSIGN_OR_RETURN(KeySelection selection, candidate.policy->SelectKey(slowest));
    StepCounts counts = CountsOf(slowest);
    double step_us = 0;
    if (selection.mode == StepMode::kGraph) {
      auto it = candidate.groups.find(selection.key);
      PADGRAPH_CHECK(it != candidate.groups.end());
      for (const LayerGroup& group : it->second) {
        step_us += group.count * LayerUs(group.shape, counts);
      }
    } else {
      for (const EagerGroup& group : eager_groups_) {
        const Layer& layer = model().layers[group.index];
        step_us += group.count * LayerUs(EagerShape(config(), layer, group.index, counts), counts);
      }
    }
    return step_us;
  }

  double LayerUs(const LayerShape& shape, const StepCounts& counts) const {
    LayerTraffic traffic = AccountLayer(model(), config(), shape, counts);
    return cost_model_.LayerUs(model(), config(), shape, traffic.work);
  }

  CostModel cost_model_;
  std::vector<Candidate> candidates_;
  std::vector<EagerGroup> eager_groups_;
};

}  // namespace

absl::Status Validate(const ParallelConfig& config, PolicyKind kind, const ModelSpec& model) {
  PADGRAPH_RETURN_IF_ERROR(ValidateConfig(config, model));
  if (kind != PolicyKind::kLocal) return absl::OkStatus();
  std::vector<std::string> problems = LocalProblems(config, model);
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      fmt::format("policy local is invalid for this config: {}", fmt::join(problems, "; ")));
}

absl::StatusOr<std::unique_ptr<Policy>> MakePolicy(PolicyKind kind, const ModelSpec& model,
                                                   const ParallelConfig& config,
                                                   const CostModel& cost_model) {
  PADGRAPH_RETURN_IF_ERROR(Validate(config, kind, model));
  if (kind == PolicyKind::kAuto) return AutoPolicy::Create(model, config, cost_model);
  PADGRAPH_ASSIGN_OR_RETURN(BucketTable buckets, BucketTable::Create(config.buckets));
  KeyFamily family = KeyFamily::kMax;
  switch (kind) {
    case PolicyKind::kSum:
      family = KeyFamily::kSum;
      break;
    case PolicyKind::kMax:
      family = KeyFamily::kMax;
      break;
    case PolicyKind::kLocal:
      family = KeyFamily::kLocal;
      break;
    case PolicyKind::kPerLayer:
      family = DeviceApiOnly(config) ? KeyFamily::kLocal : KeyFamily::kMax;
      break;
    case PolicyKind::kAuto:
      break;
  }
  return std::make_unique<BucketPolicy>(kind, family, model, config, std::move(buckets));
}

std::vector<LayerShape> EagerLayerShapes(const ModelSpec& model, const ParallelConfig& config,
                                         int64_t rank_rows, int64_t total_rows) {
  StepCounts counts{.rank_tokens = rank_rows, .sum_tokens = total_rows, .global_known = true};
  std::vector<LayerShape> shapes;
  shapes.reserve(model.layers.size());
  for (size_t i = 0; i < model.layers.size(); ++i) {
    shapes.push_back(EagerShape(config, model.layers[i], static_cast<int>(i), counts));
  }
  return shapes;
}

std::vector<EagerChunk> EagerChunks(const ParallelConfig& config, const KeySelection& selection,
                                    absl::Span<const int> agreed_tokens) {
  const int largest =
      agreed_tokens.empty() ? 0 : *std::max_element(agreed_tokens.begin(), agreed_tokens.end());
  const int capacity = config.moe_is_all_to_all() ? config.ep_capacity : std::max(1, largest);
  std::vector<EagerChunk> chunks(selection.eager_chunks);
  for (int chunk = 0; chunk < selection.eager_chunks; ++chunk) {
    EagerChunk& out = chunks[chunk];
    out.begin = chunk * capacity;
    for (int tokens : agreed_tokens) {
      out.counts.push_back(std::clamp(tokens - out.begin, 0, capacity));
      out.total_rows += out.counts.back();
    }
  }
  return chunks;
}

absl::StatusOr<StepPlan> PlanStep(const Policy& policy, const StepShape& shape,
                                  const CostModel& cost_model) {
  PADGRAPH_ASSIGN_OR_RETURN(KeySelection selection, policy.SelectKey(shape));
  const ModelSpec& model = policy.model();
  const ParallelConfig& config = policy.config();
  const StepCounts counts = CountsOf(shape);

  StepPlan plan{.policy = policy.kind(),
                .planned_by = selection.planned_by,
                .rank = shape.rank,
                .needs_agreement = policy.needs_agreement(),
                .mode = selection.mode};
  std::vector<LayerShape> shapes;
  if (selection.mode == StepMode::kGraph) {
    PADGRAPH_ASSIGN_OR_RETURN(KeyPlan key_plan, policy.PlanFor(selection));
    shapes = std::move(key_plan.layers);
    plan.key = selection.key;
  } else {
    plan.eager_reason = EagerReasonText(selection);
    plan.eager_chunks = selection.eager_chunks;
    shapes = EagerLayerShapes(model, config, counts.rank_tokens, counts.sum_tokens);
  }
  plan.layers.reserve(shapes.size());
  for (const LayerShape& shape_of_layer : shapes) {
    LayerTraffic traffic = AccountLayer(model, config, shape_of_layer, counts);
    LayerPlan layer{
        .shape = shape_of_layer,
        .wire_bytes = traffic.wire_bytes,
        .padded_wire_bytes = traffic.padded_wire_bytes,
        .predicted_us = cost_model.LayerUs(model, config, shape_of_layer, traffic.work)};
    plan.wire_bytes += layer.wire_bytes;
    plan.padded_wire_bytes += layer.padded_wire_bytes;
    plan.predicted_us += layer.predicted_us;
    plan.layers.push_back(layer);
  }
  return plan;
}

}  // namespace padgraph
