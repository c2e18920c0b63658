// Stop 22 probe: continuous PC sampling (CUPTI, kernels not serialized, so loopback ranks still
// run together) of every CUDA context of a process, loaded with CUDA_INJECTION64_PATH. At context
// teardown or exit it prints, for each kernel whose name contains PCSAMP_FILTER (all when unset):
// the samples per stall reason, then the PCSAMP_TOP (40) PCs with the most samples and their three
// largest reasons. PCSAMP_PERIOD: log2 of the cycles between samples (10).
#include <cuda.h>
#include <cupti.h>
#include <cupti_pcsampling.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Context {
  CUcontext ctx = nullptr;
  size_t reasons = 0;
  std::vector<uint32_t> index;
  CUpti_PCSamplingData data{};
  bool enabled = false;
};

std::mutex mu;
std::vector<Context*> contexts;
std::map<uint32_t, std::string> reason_name;
// (function, pc offset) -> reason index -> samples
std::map<std::pair<std::string, uint64_t>, std::map<uint32_t, uint64_t>> samples;
uint64_t total_samples = 0, dropped_samples = 0;
bool hardware_full = false;
constexpr size_t kPcs = 20000;

void Check(CUptiResult r, const char* what) {
  if (r == CUPTI_SUCCESS) return;
  const char* s = nullptr;
  cuptiGetResultString(r, &s);
  std::fprintf(stderr, "pcsamp: %s: %s\n", what, s ? s : "?");
}

// The PCs the sampling data buffer holds now.
void Record(Context* c) {
  total_samples += c->data.totalSamples;
  dropped_samples += c->data.droppedSamples;
  hardware_full |= c->data.hardwareBufferFull != 0;
  for (size_t i = 0; i < c->data.totalNumPcs; ++i) {
    const CUpti_PCSamplingPCData& pc = c->data.pPcData[i];
    auto& at = samples[{pc.functionName ? pc.functionName : "?", pc.pcOffset}];
    for (size_t j = 0; j < pc.stallReasonCount; ++j)
      at[pc.stallReason[j].pcSamplingStallReasonIndex] += pc.stallReason[j].samples;
  }
  c->data.totalNumPcs = 0;
  c->data.totalSamples = 0;
  c->data.droppedSamples = 0;
}

void Drain(Context* c) {
  for (int round = 0; round < 10000; ++round) {
    CUpti_PCSamplingGetDataParams p{};
    p.size = CUpti_PCSamplingGetDataParamsSize;
    p.ctx = c->ctx;
    p.pcSamplingData = &c->data;
    c->data.totalNumPcs = 0;
    const CUptiResult r = cuptiPCSamplingGetData(&p);
    if (r != CUPTI_SUCCESS) {
      Check(r, "cuptiPCSamplingGetData");
      return;
    }
    Record(c);
    if (c->data.remainingNumPcs == 0) return;
  }
}

void Finish(Context* c) {
  if (!c->enabled) return;
  Drain(c);
  CUpti_PCSamplingDisableParams d{};
  d.size = CUpti_PCSamplingDisableParamsSize;
  d.ctx = c->ctx;
  Check(cuptiPCSamplingDisable(&d), "cuptiPCSamplingDisable");
  Record(c);  // what the disable flushed into the buffer
  c->enabled = false;
}

void Start(CUcontext ctx) {
  auto* c = new Context;
  c->ctx = ctx;
  CUpti_PCSamplingEnableParams e{};
  e.size = CUpti_PCSamplingEnableParamsSize;
  e.ctx = ctx;
  Check(cuptiPCSamplingEnable(&e), "cuptiPCSamplingEnable");
  CUpti_PCSamplingGetNumStallReasonsParams n{};
  n.size = CUpti_PCSamplingGetNumStallReasonsParamsSize;
  n.ctx = ctx;
  n.numStallReasons = &c->reasons;
  Check(cuptiPCSamplingGetNumStallReasons(&n), "cuptiPCSamplingGetNumStallReasons");
  c->index.resize(c->reasons);
  std::vector<char*> names(c->reasons);
  for (auto& name : names)
    name = static_cast<char*>(std::calloc(CUPTI_STALL_REASON_STRING_SIZE, 1));
  CUpti_PCSamplingGetStallReasonsParams g{};
  g.size = CUpti_PCSamplingGetStallReasonsParamsSize;
  g.ctx = ctx;
  g.numStallReasons = c->reasons;
  g.stallReasonIndex = c->index.data();
  g.stallReasons = names.data();
  Check(cuptiPCSamplingGetStallReasons(&g), "cuptiPCSamplingGetStallReasons");
  for (size_t i = 0; i < c->reasons; ++i)
    reason_name[c->index[i]] = names[i];
  c->data.size = sizeof(CUpti_PCSamplingData);
  c->data.collectNumPcs = kPcs;
  c->data.pPcData =
      static_cast<CUpti_PCSamplingPCData*>(std::calloc(kPcs, sizeof(CUpti_PCSamplingPCData)));
  for (size_t i = 0; i < kPcs; ++i) {
    c->data.pPcData[i].size = sizeof(CUpti_PCSamplingPCData);
    c->data.pPcData[i].stallReason = static_cast<CUpti_PCSamplingStallReason*>(
        std::calloc(c->reasons, sizeof(CUpti_PCSamplingStallReason)));
  }
  const char* period = std::getenv("PCSAMP_PERIOD");
  std::vector<CUpti_PCSamplingConfigurationInfo> info(7);
  for (auto& i : info)
    std::memset(&i, 0, sizeof(i));
  info[0].attributeType = CUPTI_PC_SAMPLING_CONFIGURATION_ATTR_TYPE_SAMPLING_PERIOD;
  info[0].attributeData.samplingPeriodData.samplingPeriod = period ? std::atoi(period) : 10;
  info[1].attributeType = CUPTI_PC_SAMPLING_CONFIGURATION_ATTR_TYPE_STALL_REASON;
  info[1].attributeData.stallReasonData.stallReasonCount = c->reasons;
  info[1].attributeData.stallReasonData.pStallReasonIndex = c->index.data();
  info[2].attributeType = CUPTI_PC_SAMPLING_CONFIGURATION_ATTR_TYPE_SCRATCH_BUFFER_SIZE;
  info[2].attributeData.scratchBufferSizeData.scratchBufferSize = size_t(256) << 20;
  info[3].attributeType = CUPTI_PC_SAMPLING_CONFIGURATION_ATTR_TYPE_HARDWARE_BUFFER_SIZE;
  info[3].attributeData.hardwareBufferSizeData.hardwareBufferSize = size_t(512) << 20;
  info[4].attributeType = CUPTI_PC_SAMPLING_CONFIGURATION_ATTR_TYPE_COLLECTION_MODE;
  info[4].attributeData.collectionModeData.collectionMode =
      CUPTI_PC_SAMPLING_COLLECTION_MODE_CONTINUOUS;
  info[5].attributeType = CUPTI_PC_SAMPLING_CONFIGURATION_ATTR_TYPE_OUTPUT_DATA_FORMAT;
  info[5].attributeData.outputDataFormatData.outputDataFormat =
      CUPTI_PC_SAMPLING_OUTPUT_DATA_FORMAT_PARSED;
  info[6].attributeType = CUPTI_PC_SAMPLING_CONFIGURATION_ATTR_TYPE_SAMPLING_DATA_BUFFER;
  info[6].attributeData.samplingDataBufferData.samplingDataBuffer = &c->data;
  CUpti_PCSamplingConfigurationInfoParams p{};
  p.size = CUpti_PCSamplingConfigurationInfoParamsSize;
  p.ctx = ctx;
  p.numAttributes = info.size();
  p.pPCSamplingConfigurationInfo = info.data();
  Check(cuptiPCSamplingSetConfigurationAttribute(&p), "cuptiPCSamplingSetConfigurationAttribute");
  for (auto& i : info)
    if (i.attributeStatus != CUPTI_SUCCESS)
      std::fprintf(stderr, "pcsamp: attribute %d refused\n", i.attributeType);
  c->enabled = true;
  contexts.push_back(c);
  std::fprintf(stderr, "pcsamp: sampling context %p, %zu stall reasons\n", (void*)ctx, c->reasons);
}

void Report() {
  const char* filter = std::getenv("PCSAMP_FILTER");
  const char* top_env = std::getenv("PCSAMP_TOP");
  const size_t top = top_env ? std::atoi(top_env) : 40;
  std::printf("pcsamp: %llu samples, %llu dropped, hardware buffer full: %d\n",
              (unsigned long long)total_samples, (unsigned long long)dropped_samples,
              hardware_full);
  std::map<std::string, std::map<uint32_t, uint64_t>> per_function;
  std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>> pcs;  // samples, offset
  for (const auto& [key, reasons] : samples) {
    if (filter && key.first.find(filter) == std::string::npos) continue;
    uint64_t sum = 0;
    for (const auto& [r, n] : reasons) {
      per_function[key.first][r] += n;
      sum += n;
    }
    pcs[key.first].push_back({sum, key.second});
  }
  for (auto& [function, reasons] : per_function) {
    uint64_t sum = 0;
    for (auto& [r, n] : reasons)
      sum += n;
    std::printf("== %s: %llu samples\n", function.c_str(), (unsigned long long)sum);
    std::vector<std::pair<uint64_t, uint32_t>> order;
    for (auto& [r, n] : reasons)
      order.push_back({n, r});
    std::sort(order.rbegin(), order.rend());
    for (auto& [n, r] : order)
      if (n * 200 >= sum) std::printf("   %6.2f%% %s\n", 100.0 * n / sum, reason_name[r].c_str());
    auto& list = pcs[function];
    std::sort(list.rbegin(), list.rend());
    for (size_t i = 0; i < std::min(top, list.size()); ++i) {
      const auto& reasons_at = samples[{function, list[i].second}];
      std::vector<std::pair<uint64_t, uint32_t>> o;
      for (auto& [r, n] : reasons_at)
        o.push_back({n, r});
      std::sort(o.rbegin(), o.rend());
      std::printf("   pc 0x%05llx %7llu", (unsigned long long)list[i].second,
                  (unsigned long long)list[i].first);
      for (size_t k = 0; k < std::min<size_t>(3, o.size()); ++k) {
        std::string name = reason_name[o[k].second];
        const std::string prefix = "smsp__pcsamp_warps_issue_stalled_";
        if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
        std::printf("  %s %llu", name.c_str(), (unsigned long long)o[k].first);
      }
      std::printf("\n");
    }
  }
  std::fflush(stdout);
}

void CUPTIAPI Callback(void*, CUpti_CallbackDomain domain, CUpti_CallbackId id, const void* data) {
  if (domain != CUPTI_CB_DOMAIN_RESOURCE) return;
  const auto* r = static_cast<const CUpti_ResourceData*>(data);
  std::lock_guard<std::mutex> lock(mu);
  if (id == CUPTI_CBID_RESOURCE_CONTEXT_CREATED) Start(r->context);
  if (id == CUPTI_CBID_RESOURCE_CONTEXT_DESTROY_STARTING) {
    for (Context* c : contexts)
      if (c->ctx == r->context) Finish(c);
  }
}

void AtExit() {
  std::lock_guard<std::mutex> lock(mu);
  for (Context* c : contexts)
    Finish(c);
  Report();
}

}  // namespace

extern "C" int InitializeInjection(void) {
  CUpti_SubscriberHandle subscriber;
  Check(cuptiSubscribe(&subscriber, reinterpret_cast<CUpti_CallbackFunc>(Callback), nullptr),
        "cuptiSubscribe");
  Check(cuptiEnableCallback(1, subscriber, CUPTI_CB_DOMAIN_RESOURCE,
                            CUPTI_CBID_RESOURCE_CONTEXT_CREATED),
        "cuptiEnableCallback");
  Check(cuptiEnableCallback(1, subscriber, CUPTI_CB_DOMAIN_RESOURCE,
                            CUPTI_CBID_RESOURCE_CONTEXT_DESTROY_STARTING),
        "cuptiEnableCallback");
  std::atexit(AtExit);
  return 1;
}
