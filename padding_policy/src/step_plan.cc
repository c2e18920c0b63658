// Names of the plan enums.
#include "padgraph/padding_policy/step_plan.h"

#include "names.h"

namespace padgraph {
namespace {

using padding_policy_internal::NameOf;

constexpr std::string_view kPolicyNames[] = {"sum", "max", "local", "per_layer", "auto"};
constexpr std::string_view kModeNames[] = {"graph", "eager"};
constexpr std::string_view kPadTargetNames[] = {"none", "local", "global_max", "global_sum",
                                                "device_count"};
constexpr std::string_view kCollectiveNames[] = {
    "none", "nccl_all_gather", "nccl_all_reduce", "nccl_send_recv", "lsa_gather", "lsa_dispatch"};

}  // namespace

std::string_view PolicyKindName(PolicyKind kind) {
  return NameOf(kind, kPolicyNames);
}
absl::StatusOr<PolicyKind> ParsePolicyKind(std::string_view text, std::string_view field) {
  return padding_policy_internal::ParseName<PolicyKind>(text, field, kPolicyNames);
}
std::string_view StepModeName(StepMode mode) {
  return NameOf(mode, kModeNames);
}
std::string_view PadTargetName(PadTarget target) {
  return NameOf(target, kPadTargetNames);
}
std::string_view CollectiveName(Collective collective) {
  return NameOf(collective, kCollectiveNames);
}

bool IsHostApi(Collective collective) {
  return collective == Collective::kNcclAllGather || collective == Collective::kNcclAllReduce ||
         collective == Collective::kNcclSendRecv;
}

}  // namespace padgraph
