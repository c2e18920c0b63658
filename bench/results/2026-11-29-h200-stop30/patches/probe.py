# Stop 30 probe (benchmark only): the egress probe with the bytes per launch, the launches per
# replay and the SM kernel's blocks from PADGRAPH_PROBE_BYTES / _LAUNCHES / _SMS (defaults as built),
# to time one leg's bytes as one bare store kernel.
import sys
bench = sys.argv[2]
s = open(bench).read()
def patch(a, b, count=1):
    global s
    assert s.count(a) == count, (s.count(a), a)
    s = s.replace(a, b)
patch('''  constexpr int kLaunches = 4;
  // Bytes one GPU sends per launch: copy engine to the next rank; SM kernel to all peers.
  const size_t bytes =
      copy_engine ? kProbeBytes : kProbeBytes / (world - 1) / 16 * 16 * (world - 1);''',
'''  const auto env = [](const char* name, size_t fallback) {
    const char* v = std::getenv(name);
    return v != nullptr ? static_cast<size_t>(std::stoull(v)) : fallback;
  };
  const int kLaunches = static_cast<int>(env("PADGRAPH_PROBE_LAUNCHES", 4));
  const size_t probe_bytes = env("PADGRAPH_PROBE_BYTES", kProbeBytes);
  const int probe_sms = static_cast<int>(env("PADGRAPH_PROBE_SMS", 0));
  const size_t bytes =
      copy_engine ? probe_bytes : probe_bytes / (world - 1) / 16 * 16 * (world - 1);''')
patch('''            (*s.landings)[peer], peer, s.probe_source.data(), s.rank, kProbeBytes, s.stream.get()));''',
'''            (*s.landings)[peer], peer, s.probe_source.data(), s.rank, probe_bytes, s.stream.get()));''')
patch('''        cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, s.rank);''',
'''        cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, s.rank);
        if (probe_sms > 0) sms = probe_sms;''')
patch('''  state.counters["GBps"] = gbps;''', '''  state.counters["GBps"] = gbps;
  fprintf(stderr, "probe %s bytes %zu launches %d sms %d: %.2f us per launch, %.1f GB/s\\n",
          copy_engine ? "copy" : "sm", bytes, kLaunches, probe_sms, state.counters["median_us"], gbps);''')
if '#include <cstdlib>' not in s:
    patch('#include <map>\n', '#include <cstdlib>\n#include <map>\n')
open(bench, 'w').write(s)
