# Stop 30 probe (benchmark only; after probe.py): with PADGRAPH_PROBE_GRAPH=1 the egress probe's
# launches are captured in one graph per rank and replayed, as the dispatch benchmark's are.
import sys
bench = sys.argv[2]
s = open(bench).read()
def patch(a, b, count=1):
    global s
    assert s.count(a) == count, (s.count(a), a)
    s = s.replace(a, b)
patch('''  TimeReplays(state, team, kLaunches, [&](RankState& s) -> absl::Status {
    for (int i = 0; i < kLaunches; ++i) {
      if (copy_engine) {''', '''  const bool in_graph = env("PADGRAPH_PROBE_GRAPH", 0) != 0;
  const auto enqueue = [&](RankState& s) -> absl::Status {
    for (int i = 0; i < kLaunches; ++i) {
      if (copy_engine) {''')
patch('''    }
    return absl::OkStatus();
  });
  const double gbps = bytes / (state.counters["median_us"] * 1e3);''', '''    }
    return absl::OkStatus();
  };
  if (in_graph) {
    absl::Status built = team.Run([&](RankState& s) -> absl::Status {
      s.exec.Reset();
      PADGRAPH_ASSIGN_OR_RETURN(const CudaGraph graph,
                                CaptureGraph(s.stream.get(), [&] { return enqueue(s); }));
      PADGRAPH_ASSIGN_OR_RETURN(s.exec, Instantiate(graph));
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(s.exec.get(), s.stream.get()));
      return absl::OkStatus();
    });
    if (!built.ok()) {
      state.SkipWithError(std::string(built.message()).c_str());
      return;
    }
  }
  TimeReplays(state, team, kLaunches, [&](RankState& s) -> absl::Status {
    if (!in_graph) return enqueue(s);
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(s.exec.get(), s.stream.get()));
    return absl::OkStatus();
  });
  const double gbps = bytes / (state.counters["median_us"] * 1e3);''')
patch('''  fprintf(stderr, "probe %s bytes %zu launches %d sms %d: %.2f us per launch, %.1f GB/s\\n",
          copy_engine ? "copy" : "sm", bytes, kLaunches, probe_sms, state.counters["median_us"], gbps);''',
'''  fprintf(stderr, "probe %s %s bytes %zu launches %d sms %d: %.2f us per launch, %.1f GB/s\\n",
          in_graph ? "graph" : "eager", copy_engine ? "copy" : "sm", bytes, kLaunches, probe_sms,
          static_cast<double>(state.counters["median_us"]), gbps);''')
open(bench, 'w').write(s)
