# Stop 37 call 11: times.py with four more points between the slot table and the first line store
# (10 after the stores after the barrier, 11 after the words, 12 the first unit's loads issued, 13
# before its store), printed as D10-D13.
# Stop 37 probe (from stop 33's times10.py: D1 is thread 0's warp's line sends issued, D2 the
# slot table done, in both trees). Stop 33 probe (benchmark only), stop 30's times.py at points both f842ee2's and the working
# tree's kernels have: %globaltimer of thread 0 of every block, the last launch's, printed for rank
# 0 after each a2a_ll case as min..max over blocks, in us from the dispatch's (D) or the combine's
# (C) first block past its wait for the kernel before.
#   D0 past the wait, D1 slot table done, D2 thread 0's warp's line sends issued, D3 every
#   source's words in (the barrier after them), D4 the unpack's start (after the scan at f842ee2),
#   D5 the end. C0 past the wait, C1 its first barrier.
import sys
path, bench = sys.argv[1], sys.argv[2]
s = open(path).read()
def patch(a, b, count=1):
    global s
    assert s.count(a) == count, (s.count(a), a)
    s = s.replace(a, b)
patch('''namespace padgraph {
namespace {
''', '''namespace padgraph {
namespace {
__device__ unsigned long long g_times[16][1024];
__device__ __forceinline__ void ProbeAt(int point) {
  if (threadIdx.x == 0) {
    unsigned long long t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    g_times[point][blockIdx.x] = t;
  }
}
''')
i = s.index("    DispatchKernel(const DispatchParams p) {")
j = s.index("  device_exchange::AwaitPredecessor();\n", i) + len("  device_exchange::AwaitPredecessor();\n")
s = s[:j] + "  ProbeAt(0);\n" + s[j:]
import re
if 'first_sends = SendLinesBeforeTable(' in s:
    patch('''    first_sends = SendLinesBeforeTable(p, warp_last_epoch + 1, &peer_bytes, &self_bytes);
''', '''    first_sends = SendLinesBeforeTable(p, warp_last_epoch + 1, &peer_bytes, &self_bytes);
    ProbeAt(1);
''')
    patch('''    if (!kFirst) __syncthreads();
  }
''', '''    if (!kFirst) __syncthreads();
  }
  ProbeAt(2);
''')
else:
    patch('''  } else if (!lines_out) {
    // Note [Invalid ids]''', '''    ProbeAt(1);
  } else if (!lines_out) {
    // Note [Invalid ids]''')
    patch('''    __syncthreads();
  }
  // A pair's slot: the tokens before it that picked its expert; an expert's rows.''',
'''    __syncthreads();
  }
  ProbeAt(2);
  // A pair's slot: the tokens before it that picked its expert; an expert's rows.''')
patch('''  __syncthreads();

  // Sources that send rows: every (local expert, source, part) word addressed to this rank.''',
'''  __syncthreads();
  ProbeAt(3);

  // Sources that send rows: every (local expert, source, part) word addressed to this rank.''')
patch('''  // From the grid's last warp down (Note [Stores after barriers]), converged''',
'''  ProbeAt(4);
  // From the grid's last warp down (Note [Stores after barriers]), converged''')
import re
m = re.search(r'\n(  if \(lane == 0\) AddCount\([^\n]*kDispatchCopied)', s)
s = s[:m.start(1)] + '  ProbeAt(5);\n' + s[m.start(1):]
patch('''CombineKernel(const CombineParams p) {
  device_exchange::TouchParams(p);  // Note [Parameters before the wait]
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
''', '''CombineKernel(const CombineParams p) {
  device_exchange::TouchParams(p);  // Note [Parameters before the wait]
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
  ProbeAt(8);
''')
patch('''  load_entries(warp_id);
  __syncthreads();
''', '''  load_entries(warp_id);
  __syncthreads();
  ProbeAt(9);
''')
patch('''}  // namespace padgraph''', '''cudaError_t ProbeTimes(unsigned long long* host) {
  return cudaMemcpyFromSymbol(host, g_times, sizeof(g_times));
}
}  // namespace padgraph''')
patch('''    p.first_counts[(buffer ^ 1) * world + threadIdx.x] = 0;
  // Every peer's line_counts word of every expert it owns: this rank's mode and, for lines and''',
'''    p.first_counts[(buffer ^ 1) * world + threadIdx.x] = 0;
  ProbeAt(10);
  // Every peer's line_counts word of every expert it owns: this rank's mode and, for lines and''')
patch('''  if (lines_out && !expired) {
    // Lines: (pair, four lines) per warp''', '''  ProbeAt(11);
  if (lines_out && !expired) {
    // Lines: (pair, four lines) per warp''')
patch('''#pragma unroll
      for (int u = 0; u < kUnroll; ++u) {
        const int unit = base + u * warps;
        const int pair = layout.line_groups_divisor.Quotient(unit);
        const int line = (unit - pair * line_groups) * lines::kLinesPerWarp + line_group;
        if (unit >= units || pair_expert[pair] < 0 || line >= lines_per_row) continue;''',
'''      if (base == warp_id) ProbeAt(12);
#pragma unroll
      for (int u = 0; u < kUnroll; ++u) {
        const int unit = base + u * warps;
        const int pair = layout.line_groups_divisor.Quotient(unit);
        const int line = (unit - pair * line_groups) * lines::kLinesPerWarp + line_group;
        if (unit >= units || pair_expert[pair] < 0 || line >= lines_per_row) continue;''')
patch('''          if (part == lines::kTagLane) high[u] = FlagWord(epoch, c.layer, origin);
          Jitter(c.jitter_max_ns, unit * 977u + part);
          lines::StoreLinePart(''', '''          if (part == lines::kTagLane) high[u] = FlagWord(epoch, c.layer, origin);
          Jitter(c.jitter_max_ns, unit * 977u + part);
          if (base == warp_id && u == 0) ProbeAt(13);
          lines::StoreLinePart(''')
open(path, 'w').write(s)

s = open(bench).read()
patch('''  TimeReplays(state, team, kItersPerGraph, [](RankState& s) -> absl::Status {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(s.exec.get(), s.stream.get()));
    return absl::OkStatus();
  });
''', '''  TimeReplays(state, team, kItersPerGraph, [](RankState& s) -> absl::Status {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(s.exec.get(), s.stream.get()));
    return absl::OkStatus();
  });
  if (IsA2aLl(backend)) {
    (void)team.Run([&](RankState& s) -> absl::Status {
      if (s.rank != 0) return absl::OkStatus();
      static unsigned long long t[16][1024];
      PADGRAPH_CUDA_RETURN_IF_ERROR(ProbeTimes(&t[0][0]));
      const A2aLl& a2a = A2aLlOf(s, backend, sms);
      std::string line = fmt::format("times rows:{}/sms:{}:", rows, sms);
      for (int kernel = 0; kernel < 2; ++kernel) {
        const int blocks = kernel == 0 ? a2a.dispatch_blocks() : a2a.combine_blocks();
        const int first = kernel * 8;
        unsigned long long origin = ~0ull;
        for (int b = 0; b < blocks; ++b) origin = std::min(origin, t[first][b]);
        for (int point = first; point < first + (kernel == 0 ? 14 : 2); ++point) {
          if (kernel == 0 && (point == 6 || point == 7 || point == 8 || point == 9)) continue;
          unsigned long long lo = ~0ull, hi = 0;
          for (int b = 0; b < blocks; ++b) {
            if (t[point][b] < origin) continue;
            lo = std::min(lo, t[point][b]);
            hi = std::max(hi, t[point][b]);
          }
          if (hi == 0) continue;
          line += fmt::format(" {}{} {:.2f}..{:.2f}", kernel == 0 ? 'D' : 'C', point - first,
                              (lo - origin) * 1e-3, (hi - origin) * 1e-3);
        }
        if (kernel == 0) {
          unsigned long long c0 = ~0ull;
          for (int b = 0; b < a2a.combine_blocks(); ++b) c0 = std::min(c0, t[8][b]);
          line += fmt::format(" | C0-D0 {:.2f} |", (c0 - origin) * 1e-3);
        }
      }
      fprintf(stderr, "%s\\n", line.c_str());
      return absl::OkStatus();
    });
  }
''')
patch('''namespace padgraph {
namespace {
''', '''namespace padgraph {
cudaError_t ProbeTimes(unsigned long long* host);
namespace {
''')
open(bench, 'w').write(s)
