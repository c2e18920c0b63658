# Stop 29 probe (benchmark only; the kernels as built): times one dispatch and one combine apart
# inside the graph. Iteration 25 of each graph records an event before its dispatch, one between
# dispatch and combine and one after the combine (event record nodes: the two kernels lose their
# programmatic launch overlap there, about a kernel boundary). Each replay's rank-0 split goes to
# stderr; the last line per case gives the medians: "split NAME: dispatch X us, combine Y us".
import sys
bench = sys.argv[2]
s = open(bench).read()
def patch(a, b, count=1):
    global s
    assert s.count(a) == count, (s.count(a), a)
    s = s.replace(a, b)
patch('// One dispatch + combine of `backend` on the stream (captured kItersPerGraph times).\n',
'''thread_local cudaEvent_t split_events[3] = {nullptr, nullptr, nullptr};
thread_local bool split_recorded = false;
std::vector<double> split_dispatch, split_combine;
std::mutex split_mutex;
constexpr int kSplitIteration = 25;
// One dispatch + combine of `backend` on the stream (captured kItersPerGraph times).
''')
patch('''      PADGRAPH_RETURN_IF_ERROR(a2a.Dispatch(dispatch, stream));
      A2aLlCombineArgs combine;''', '''      const bool split = iteration == kSplitIteration;
      if (split) {
        for (cudaEvent_t& e : split_events)
          if (e == nullptr) PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventCreate(&e));
        PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventRecordWithFlags(split_events[0], stream, cudaEventRecordExternal));
        split_recorded = true;
      }
      PADGRAPH_RETURN_IF_ERROR(a2a.Dispatch(dispatch, stream));
      if (split) PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventRecordWithFlags(split_events[1], stream, cudaEventRecordExternal));
      A2aLlCombineArgs combine;''')
patch('''      combine.deadline = s.deadline.view();
      return a2a.Combine(combine, stream);''', '''      combine.deadline = s.deadline.view();
      PADGRAPH_RETURN_IF_ERROR(a2a.Combine(combine, stream));
      if (split) PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventRecordWithFlags(split_events[2], stream, cudaEventRecordExternal));
      return absl::OkStatus();''')
patch('''  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventElapsedTime(ms, s.start.get(), s.stop.get()));
  return absl::OkStatus();''', '''  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventElapsedTime(ms, s.start.get(), s.stop.get()));
  if (split_recorded && s.rank == 0) {
    float d = 0, c = 0;
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventElapsedTime(&d, split_events[0], split_events[1]));
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaEventElapsedTime(&c, split_events[1], split_events[2]));
    std::lock_guard lock(split_mutex);
    split_dispatch.push_back(d * 1e3);
    split_combine.push_back(c * 1e3);
  }
  return absl::OkStatus();''')
patch('''  std::sort(us.begin(), us.end());
  state.counters["median_us"] = us[us.size() / 2];''', '''  std::sort(us.begin(), us.end());
  state.counters["median_us"] = us[us.size() / 2];
  {
    std::lock_guard lock(split_mutex);
    if (!split_dispatch.empty()) {
      const std::string name = fmt::format("rows:{}/sms:{}", state.range(2), state.range(3));
      std::sort(split_dispatch.begin(), split_dispatch.end());
      std::sort(split_combine.begin(), split_combine.end());
      fprintf(stderr, "split %s: dispatch %.2f us, combine %.2f us, whole %.2f us\\n",
              name.c_str(), split_dispatch[split_dispatch.size() / 2],
              split_combine[split_combine.size() / 2], us[us.size() / 2]);
    }
    split_dispatch.clear();
    split_combine.clear();
  }''')
if '#include <mutex>' not in s:
    patch('#include <map>\n', '#include <map>\n#include <mutex>\n')
open(bench, 'w').write(s)
