# The marks behind prof2.log: applied to ep_backend/src/a2a_ll.cu and bench/dispatch_combine_bench.cc
# of 05002de by `python3 trace-patch.py`, built with tools/build-gpu.sh, the sources then restored.
import re
p='/work/main/ep_backend/src/a2a_ll.cu'
s=open(p).read()
def rep(a,b):
    global s
    assert s.count(a)==1, a
    s=s.replace(a,b)
rep('''// Note [Dispatch].
__global__''','''__device__ unsigned long long g_trace[64][16];
__device__ __forceinline__ unsigned long long Now() { unsigned long long t; asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t)); return t; }
__device__ __forceinline__ void Mark(uint32_t epoch, int i) { if (blockIdx.x == 0 && threadIdx.x == 0) g_trace[epoch % 64][i] = Now(); }
__device__ __forceinline__ void MarkMax(uint32_t epoch, int i) { if (threadIdx.x % 32 == 0) atomicMax(&g_trace[epoch % 64][i], Now()); }
// Note [Dispatch].
__global__''')
rep('''    shared_expired = DeadlineExpiredOnDevice(c.deadline);
  }
  __syncthreads();
  const uint32_t epoch = shared_epoch;
  const int rows = shared_rows;''','''    shared_expired = DeadlineExpiredOnDevice(c.deadline);
    Mark(epoch, 0);
  }
  __syncthreads();
  const uint32_t epoch = shared_epoch;
  Mark(epoch, 1);
  const int rows = shared_rows;''')
rep('''  AddCount(c.counters + kInvalidPairs, invalid);
''','''  AddCount(c.counters + kInvalidPairs, invalid);
  Mark(epoch, 2);
''')
rep('''  if (lane == 0) {
    AddCount(c.counters + kDispatchPeer, peer_bytes);
    AddCount(c.counters + kDispatchSelf, self_bytes);
  }
''','''  if (lane == 0) MarkMax(epoch, 6);
  Mark(epoch, 3);
  if (lane == 0) {
    AddCount(c.counters + kDispatchPeer, peer_bytes);
    AddCount(c.counters + kDispatchSelf, self_bytes);
  }
  Mark(epoch, 4);
''')
rep('''      p.recv_counts[local_expert * world + source] = arrived ? FlagWordCount(word) : 0;
    }
  }
}''','''      p.recv_counts[local_expert * world + source] = arrived ? FlagWordCount(word) : 0;
    }
  }
  MarkMax(epoch, 5);
}''')
# combine
rep('''    shared_expired = DeadlineExpiredOnDevice(c.deadline);
    shared_all_arrived = 1;
  }''','''    shared_expired = DeadlineExpiredOnDevice(c.deadline);
    shared_all_arrived = 1;
    Mark(epoch, 8);
  }''')
rep('''  __syncthreads();
  const uint32_t epoch = shared_epoch;
  const int words = layout.shape.hidden / 8;''','''  __syncthreads();
  const uint32_t epoch = shared_epoch;
  Mark(epoch, 9);
  const int words = layout.shape.hidden / 8;''')
rep('''  if (lane == 0) AddCount(c.counters + (peer == c.rank ? kCombineSelf : kCombinePeer), moved);
  __syncthreads();''','''  if (lane == 0) AddCount(c.counters + (peer == c.rank ? kCombineSelf : kCombinePeer), moved);
  if (lane == 0) MarkMax(epoch, 10);
  __syncthreads();''')
rep('''                                                              : FlagWord(epoch, c.layer, 0));
  }''','''                                                              : FlagWord(epoch, c.layer, 0));
    Mark(epoch, 11);
  }''')
rep('''    if (!WaitForWord(c, flag, want, source, threadIdx.x, &word)) shared_all_arrived = 0;
  }''','''    if (!WaitForWord(c, flag, want, source, threadIdx.x, &word)) shared_all_arrived = 0;
    MarkMax(epoch, 12);
  }''')
rep('''  __syncthreads();
  if (!shared_all_arrived) return;
''','''  __syncthreads();
  Mark(epoch, 13);
  if (!shared_all_arrived) return;
''')
rep('''    p.out[static_cast<size_t>(token) * words + word] = packed;
  }
}''','''    p.out[static_cast<size_t>(token) * words + word] = packed;
  }
  MarkMax(epoch, 14);
}''')
rep('''}  // namespace padgraph''','''void A2aLlTraceDump(int rank, const char* what) {
  unsigned long long t[64][16];
  cudaMemcpyFromSymbol(t, g_trace, sizeof(t));
  double sum[16] = {}; int n = 0; double gap = 0; int ng = 0;
  for (int e = 0; e < 64; ++e) {
    auto& r = t[e];
    bool ok = r[0] && r[14] > r[0] && r[14] - r[0] < 1000000 && r[8] >= r[0] && r[5] >= r[0];
    if (!ok) continue;
    for (int i = 0; i < 16; ++i) sum[i] += (double)(long long)(r[i] - r[0]);
    ++n;
    auto& q = t[(e + 1) % 64];
    if (q[0] > r[14] && q[0] - r[14] < 100000) { gap += q[0] - r[14]; ++ng; }
  }
  if (n == 0) { std::printf("trace %s rank %d: none\\n", what, rank); return; }
  std::printf("trace %s rank %d (%d it) us from dispatch entry: D prologue %.2f validpairs %.2f sends(w0) %.2f counters %.2f lastsend %.2f recvdone %.2f | C entry %.2f prefix %.2f lastsend %.2f flag %.2f waitsdone %.2f sync %.2f end %.2f | gap to next D %.2f\\n",
    what, rank, n, sum[1]/n/1e3, sum[2]/n/1e3, sum[3]/n/1e3, sum[4]/n/1e3, sum[6]/n/1e3, sum[5]/n/1e3, sum[8]/n/1e3, sum[9]/n/1e3, sum[10]/n/1e3, sum[11]/n/1e3, sum[12]/n/1e3, sum[13]/n/1e3, sum[14]/n/1e3, ng ? gap/ng/1e3 : -1.0);
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
rep('''  uint64_t busiest = backend == Backend::kLsaGather''','''  if (backend == Backend::kA2aLl) {
    (void)team.Run([&](RankState& s) -> absl::Status {
      if (s.rank < 2) A2aLlTraceDump(s.rank, fmt::format("w{} rows {} sms {}", world, rows, sms).c_str());
      return absl::OkStatus();
    });
  }
  uint64_t busiest = backend == Backend::kLsaGather''')
open(p,'w').write(s)
