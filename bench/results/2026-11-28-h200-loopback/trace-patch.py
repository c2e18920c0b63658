# %globaltimer phase marks in a2a_ll's kernels (57fa96b), per rank (loopback ranks share a GPU),
# all by block 0 thread 0 (no atomics: stop 10's MarkMax inflated marks through contention), so a
# phase ends when block 0's first warp leaves it. Applied to ep_backend/src/a2a_ll.cu and
# bench/dispatch_combine_bench.cc by `python3 trace-patch.py`, built into a copy of the benchmark,
# sources then restored. Phases print in us from the dispatch's entry (after griddepcontrol.wait
# and thread 0's loads of the count and the deadline flag).
p='/work/main/ep_backend/src/a2a_ll.cu'
s=open(p).read()
def rep(a,b,count=1):
    global s
    assert s.count(a)==count, (s.count(a), a)
    s=s.replace(a,b)
rep('''// Note [Dispatch] and Note [Lines for small counts].
__global__''','''__device__ unsigned long long g_trace[8][64][16];
__device__ __forceinline__ unsigned long long Now() { unsigned long long t; asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t)); return t; }
#define Mark(epoch, i) do { if (blockIdx.x == 0 && threadIdx.x == 0) g_trace[c.rank][(epoch) % 64][i] = Now(); } while (0)
// Note [Dispatch] and Note [Lines for small counts].
__global__''')
rep('''    if (blockIdx.x == 0) *p.sent_rows = rows;
    shared_expired = DeadlineExpiredOnDevice(c.deadline);
  }''','''    if (blockIdx.x == 0) *p.sent_rows = rows;
    shared_expired = DeadlineExpiredOnDevice(c.deadline);
    if (blockIdx.x == 0) for (int i = 1; i < 16; ++i) g_trace[p.common.rank][epoch % 64][i] = 0;
    if (blockIdx.x == 0) g_trace[p.common.rank][epoch % 64][0] = Now() + 0 * shared_expired;
  }''')
rep('''  // Every peer's line_counts word of every expert it owns''','''  Mark(epoch, 1);
  // Every peer's line_counts word of every expert it owns''')
rep('''  if (lines_out && !expired) {
    // Lines: (pair, four lines) per warp''','''  Mark(epoch, 2);
  if (lines_out && !expired) {
    // Lines: (pair, four lines) per warp''')
rep('''  AddCount(c.counters + kDispatchPeer, peer_bytes);''','''  Mark(epoch, 3);
  AddCount(c.counters + kDispatchPeer, peer_bytes);''')
rep('''  __syncthreads();
  if (blockIdx.x == 0 && threadIdx.x < world) {
    p.line_modes[threadIdx.x] = source_sends_lines[threadIdx.x];
  }''','''  __syncthreads();
  Mark(epoch, 4);
  if (blockIdx.x == 0 && threadIdx.x < world) {
    p.line_modes[threadIdx.x] = source_sends_lines[threadIdx.x];
  }''')
rep('''  BlockExclusiveScan(lines_in, blocks_in);''','''  BlockExclusiveScan(lines_in, blocks_in);
  Mark(epoch, 5);''')
rep('''            static_cast<int>(layout.RecvRowIndex(local_expert, source, slot)), origin, source);
      }
    }
  }
}''','''            static_cast<int>(layout.RecvRowIndex(local_expert, source, slot)), origin, source);
      }
    }
  }
  Mark(epoch, 6);
}''')
rep('''    shared_expired = DeadlineExpiredOnDevice(c.deadline);
    shared_all_arrived = 1;
  }''','''    shared_expired = DeadlineExpiredOnDevice(c.deadline);
    shared_all_arrived = 1;
    if (blockIdx.x == 0) g_trace[p.common.rank][epoch % 64][8] = Now();
  }''')
rep('''  load_entries(warp_id);
  __syncthreads();''','''  load_entries(warp_id);
  __syncthreads();
  Mark(shared_epoch, 9);''')
rep('''  BlockExclusiveScan(prefix, local_experts);''','''  Mark(shared_epoch, 10);
  BlockExclusiveScan(prefix, local_experts);
  Mark(shared_epoch, 11);''')
rep('''    if (peer_takes_lines) {
      StoreRelaxedSys(flag, word);
    } else {
      __threadfence_system();
      StoreReleaseSys(flag, word);
    }
  }''','''    if (peer_takes_lines) {
      StoreRelaxedSys(flag, word);
    } else {
      __threadfence_system();
      StoreReleaseSys(flag, word);
    }
    Mark(epoch, 12);
  }''')
rep('''      StoreRowPart(out + static_cast<size_t>(token) * row_bytes, row_bytes, line, part, packed[0],
                   packed[1]);
    }
    return;''','''      StoreRowPart(out + static_cast<size_t>(token) * row_bytes, row_bytes, line, part, packed[0],
                   packed[1]);
    }
    Mark(epoch, 13);
    return;''')
rep('''    p.out[static_cast<size_t>(token) * words + word] = packed;
  }
}''','''    p.out[static_cast<size_t>(token) * words + word] = packed;
  }
  Mark(epoch, 13);
}''')
rep('''}  // namespace padgraph''','''void A2aLlTraceDump(int rank, const char* what) {
  static unsigned long long t[8][64][16];
  cudaMemcpyFromSymbol(t, g_trace, sizeof(t));
  double sum[16] = {}; int n = 0; double gap = 0; int ng = 0;
  for (int e = 0; e < 64; ++e) {
    auto& r = t[rank][e];
    bool ok = r[0] && r[13] > r[0] && r[13] - r[0] < 1000000 && r[8] >= r[0];
    if (!ok) continue;
    for (int i = 0; i < 16; ++i) sum[i] += r[i] ? (double)(long long)(r[i] - r[0]) : 0;
    ++n;
    auto& q = t[rank][(e + 1) % 64];
    if (q[0] > r[13] && q[0] - r[13] < 100000) { gap += q[0] - r[13]; ++ng; }
  }
  if (n == 0) { std::printf("trace %s rank %d: none\\n", what, rank); return; }
  std::printf("trace %s rank %d (%d it) us: D table %.2f words %.2f sends %.2f modes %.2f scan %.2f unpacked %.2f | C entry %.2f sync %.2f lines %.2f scan %.2f flag %.2f end %.2f | gap to next D %.2f\\n",
    what, rank, n, sum[1]/n/1e3, sum[2]/n/1e3, sum[3]/n/1e3, sum[4]/n/1e3, sum[5]/n/1e3, sum[6]/n/1e3, sum[8]/n/1e3, sum[9]/n/1e3, sum[10]/n/1e3, sum[11]/n/1e3, sum[12]/n/1e3, sum[13]/n/1e3, ng ? gap/ng/1e3 : -1.0);
}

}  // namespace padgraph''')
open(p,'w').write(s)

p='/work/main/bench/dispatch_combine_bench.cc'
s=open(p).read()
rep('''namespace padgraph {
namespace {
''','''namespace padgraph {
void A2aLlTraceDump(int rank, const char* what);
namespace {
''')
rep('''  // A dense-TP exchange moves each rank's rows to every peer and as many back.''','''  if (backend == Backend::kA2aLl || backend == Backend::kA2aLlRowPath) {
    (void)team.Run([&](RankState& s) -> absl::Status {
      if (s.rank < 2) A2aLlTraceDump(s.rank, fmt::format("w{} rows {} sms {} {}", world, rows, sms, (int)backend).c_str());
      return absl::OkStatus();
    });
  }
  // A dense-TP exchange moves each rank's rows to every peer and as many back.''')
open(p,'w').write(s)
