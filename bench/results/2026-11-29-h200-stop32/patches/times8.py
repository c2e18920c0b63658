# Stop 32 probe (stop 30's times.py at lines placed by pair's points; benchmark only): %globaltimer at points of both kernels, thread 0 of every block,
# the last launch's, printed for rank 0 after each a2a_ll case as min..max over blocks, in us from
# the dispatch's (D) or the combine's (C) first block past its wait for the kernel before.
#   D0 past the wait, D1 slot table done, D2 every source's ids in (B1), D3 the receive's table
#   done (B3), D4 the row path's waits and block 0's list done, D5 the end, D6 B2, D7 thread 0
#   before B2.
#   C0 past the wait, C1 first barrier, C2 rows sent (thread 0's warp), C3 line sum done (barrier),
#   C4 after block 0's wait for the peers' first flags (barrier).
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
patch('''    DispatchKernel(const DispatchParams p) {
  device_exchange::TouchParams(p);  // Note [Parameters before the wait]
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
''', '''    DispatchKernel(const DispatchParams p) {
  device_exchange::TouchParams(p);  // Note [Parameters before the wait]
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
  ProbeAt(0);
''')
patch('''    __syncthreads();
  }
  // A pair's slot: the tokens before it that picked its expert; an expert's rows.''',
'''    __syncthreads();
  }
  ProbeAt(1);
  // A pair's slot: the tokens before it that picked its expert; an expert's rows.''')
patch('''    source_header[warp] = own_header;
  }
  __syncthreads();
''', '''    source_header[warp] = own_header;
  }
  __syncthreads();
  ProbeAt(2);
''')
patch('''               1ull << layout.top_k_divisor.Quotient(pair));
    }
  }
  __syncthreads();
''', '''               1ull << layout.top_k_divisor.Quotient(pair));
    }
  }
  __syncthreads();
  ProbeAt(3);
''')
patch('''  int units = 0;
  for (int source = 0; source < world; ++source)''', '''  ProbeAt(4);
  int units = 0;
  for (int source = 0; source < world; ++source)''')
patch('''          (sends_once ? kSendsOnce : 0) | (spreads ? kSpreadsRows : 0);
      if (sends_once) any_sends_once = 1;
      if (spreads) any_spreads = 1;
    }
  }
  __syncthreads();
''', '''          (sends_once ? kSendsOnce : 0) | (spreads ? kSpreadsRows : 0);
      if (sends_once) any_sends_once = 1;
      if (spreads) any_spreads = 1;
    }
  }
  ProbeAt(7);
  __syncthreads();
  ProbeAt(6);
''')
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
patch('''  if (!peer_takes_lines) __syncthreads();''', '''  ProbeAt(10);
  if (!peer_takes_lines) __syncthreads();''')
patch('''    if (blockIdx.x == 0 && threadIdx.x < world && threadIdx.x != c.rank &&
        !(source_modes[c.rank] & kSendsLines)) {''', '''    __syncthreads();
    ProbeAt(11);
    if (blockIdx.x == 0 && threadIdx.x < world && threadIdx.x != c.rank &&
        !(source_modes[c.rank] & kSendsLines)) {''')
patch('''          want, threadIdx.x, threadIdx.x, &word);
    }
    return;
  }''', '''          want, threadIdx.x, threadIdx.x, &word);
    }
    __syncthreads();
    ProbeAt(12);
    return;
  }''')
patch('''}  // namespace padgraph''', '''cudaError_t ProbeTimes(unsigned long long* host) {
  return cudaMemcpyFromSymbol(host, g_times, sizeof(g_times));
}
}  // namespace padgraph''')
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
        for (int point = first; point < first + 5 + (kernel == 0 ? 3 : 0); ++point) {
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
