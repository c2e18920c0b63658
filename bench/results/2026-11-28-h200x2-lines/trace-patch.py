# %globaltimer marks in the line path of a2a_ll (block 0 thread 0 marks, or the latest of every
# warp's): applied to ep_backend/src/a2a_ll.cu and bench/dispatch_combine_bench.cc by
# `python3 trace-patch.py`, built with tools/build-gpu.sh into a copy of the benchmark, sources
# then restored. Phases are printed in us from the dispatch's entry (after griddepcontrol.wait).
p='/work/main/ep_backend/src/a2a_ll.cu'
s=open(p).read()
def rep(a,b,count=1):
    global s
    assert s.count(a)==count, (s.count(a), a)
    s=s.replace(a,b)
rep('''// Note [Dispatch] and Note [Lines for small counts].
__global__''','''__device__ unsigned long long g_trace[64][16];
__device__ __forceinline__ unsigned long long Now() { unsigned long long t; asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t)); return t; }
__device__ __forceinline__ void Mark(uint32_t epoch, int i) { if (blockIdx.x == 0 && threadIdx.x == 0) g_trace[epoch % 64][i] = Now(); }
__device__ __forceinline__ void MarkMax(uint32_t epoch, int i) { if (threadIdx.x % 32 == 0) atomicMax(&g_trace[epoch % 64][i], Now()); }
// Note [Dispatch] and Note [Lines for small counts].
__global__''')
# dispatch entry
rep('''    if (blockIdx.x == 0) *p.sent_rows = rows;
    shared_expired = DeadlineExpiredOnDevice(c.deadline);
  }''','''    if (blockIdx.x == 0) *p.sent_rows = rows;
    shared_expired = DeadlineExpiredOnDevice(c.deadline);
    if (blockIdx.x == 0) for (int i = 1; i < 16; ++i) g_trace[epoch % 64][i] = 0;
    Mark(epoch, 0);
  }''')
rep('''  // Every peer's line_counts word of every expert it owns''','''  Mark(epoch, 1);
  // Every peer's line_counts word of every expert it owns''')
rep('''  if (lines_out && !expired) {
    // Lines: (pair, four lines) per warp''','''  Mark(epoch, 2);
  if (lines_out && !expired) {
    // Lines: (pair, four lines) per warp''')
rep('''  AddCount(c.counters + kDispatchPeer, peer_bytes);''','''  MarkMax(epoch, 3);
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
rep('''        *origin_at[u] = FlagWordCount(high[u]);
      }
    }
  }
}''','''        *origin_at[u] = FlagWordCount(high[u]);
      }
    }
  }
  MarkMax(epoch, 6);
}''')
# combine
rep('''    shared_expired = DeadlineExpiredOnDevice(c.deadline);
    shared_all_arrived = 1;
  }''','''    shared_expired = DeadlineExpiredOnDevice(c.deadline);
    shared_all_arrived = 1;
    Mark(epoch, 8);
  }''')
rep('''  BlockExclusiveScan(held_for_lines, blocks_out);''','''  Mark(shared_epoch, 9);
  BlockExclusiveScan(held_for_lines, blocks_out);
  Mark(shared_epoch, 10);''')
rep('''  // Rows to `peer` when it takes rows''','''  MarkMax(epoch, 11);
  // Rows to `peer` when it takes rows''')
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
    MarkMax(epoch, 13);
    return;''')
rep('''    p.out[static_cast<size_t>(token) * words + word] = packed;
  }
}''','''    p.out[static_cast<size_t>(token) * words + word] = packed;
  }
  MarkMax(epoch, 13);
}''')
rep('''}  // namespace padgraph''','''void A2aLlTraceDump(int rank, const char* what) {
  unsigned long long t[64][16];
  cudaMemcpyFromSymbol(t, g_trace, sizeof(t));
  double sum[16] = {}; int n = 0; double gap = 0; int ng = 0;
  for (int e = 0; e < 64; ++e) {
    auto& r = t[e];
    bool ok = r[0] && r[13] > r[0] && r[13] - r[0] < 1000000 && r[8] >= r[0];
    if (!ok) continue;
    for (int i = 0; i < 16; ++i) sum[i] += r[i] ? (double)(long long)(r[i] - r[0]) : 0;
    ++n;
    auto& q = t[(e + 1) % 64];
    if (q[0] > r[13] && q[0] - r[13] < 100000) { gap += q[0] - r[13]; ++ng; }
  }
  if (n == 0) { std::printf("trace %s rank %d: none\\n", what, rank); return; }
  std::printf("trace %s rank %d (%d it) us: D table %.2f words %.2f sends %.2f modes %.2f scan %.2f unpacked %.2f | C entry %.2f loads %.2f scan %.2f sends %.2f flag %.2f end %.2f | gap to next D %.2f\\n",
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
