# Applied after trace-patch-new-table.py, ../2026-11-28-h200x2-stop12/trace-sum-and-blocks-patch.py
# and trace-boundary-patch.py, on the new slot table: block 0 thread 0's timer at four points of
# the table's first step, each read by instructions predicated on a value of that point (so the
# read waits for it): its id loaded, __match_any_sync and __ballot_sync done, its own pair's
# stores and shared atomic issued (the atomic's old value), the first barrier passed. Printed as a
# "table steps" line, in us from the dispatch entry (mark 0), with the SM clock's cycles per ns
# between the first and last point (clock64 read beside the timer).
p = '/work/main/ep_backend/src/a2a_ll.cu'
s = open(p).read()
def rep(a, b, count=1):
    global s
    assert s.count(a) == count, (s.count(a), a)
    s = s.replace(a, b)
rep('''__device__ unsigned long long g_trace[8][64][16];''', '''__device__ unsigned long long g_trace[8][64][16];
__device__ unsigned long long g_step[8][64][6];
__device__ __forceinline__ unsigned long long NowAfter(uint32_t v) {
  unsigned long long t;
  asm volatile("{ .reg .pred q; setp.eq.u32 q, %1, 2147483647; @q mov.u64 %0, %%globaltimer; @!q mov.u64 %0, %%globaltimer; }" : "=l"(t) : "r"(v) : "memory");
  return t;
}
#define StepMark(i, v) do { if (blockIdx.x == 0 && threadIdx.x == 0) { g_step[c.rank][epoch % 64][i] = NowAfter(v); if (i == 0 || i == 3) g_step[c.rank][epoch % 64][4 + (i == 3)] = clock64(); } } while (0)''')
rep('''      int32_t id = early_id;
      if (first > 0 && active) id = __ldg(p.topk_ids + token * top_k + pair_k);''', '''      int32_t id = early_id;
      if (first > 0 && active) id = __ldg(p.topk_ids + token * top_k + pair_k);
      if (first == 0) StepMark(0, id);''')
rep('''      const uint32_t sent = __ballot_sync(kFullMask, valid);''', '''      const uint32_t sent = __ballot_sync(kFullMask, valid);
      if (first == 0) StepMark(1, sent + same);''')
rep('''        if (valid) atomicOr(&expert_tokens[id], 1ull << token);''', '''        unsigned long long old = 0;
        if (valid) old = atomicOr(&expert_tokens[id], 1ull << token);
        if (first == 0) StepMark(2, static_cast<uint32_t>(old));''')
rep('''    AddCount(c.counters + kInvalidPairs, invalid);
    __syncthreads();''', '''    AddCount(c.counters + kInvalidPairs, invalid);
    __syncthreads();
    StepMark(3, 0);''')
rep('''  std::printf("trace %s rank %d sum:''', '''  {
    static unsigned long long st[8][64][6];
    cudaMemcpyFromSymbol(st, g_step, sizeof(st));
    double v[4] = {}, cyc = 0, nsec = 0; int ns = 0;
    for (int e = 0; e < 64; ++e) {
      auto& r = t[rank][e];
      bool ok = r[0] && r[13] > r[0] && r[13] - r[0] < 1000000 && st[rank][e][3] > r[0];
      if (!ok) continue;
      for (int i = 0; i < 4; ++i) v[i] += (double)(long long)(st[rank][e][i] - r[0]);
      cyc += (double)(long long)(st[rank][e][5] - st[rank][e][4]); nsec += (double)(long long)(st[rank][e][3] - st[rank][e][0]);
      ++ns;
    }
    if (ns) std::printf("trace %s rank %d table steps (%d it): id %.2f match %.2f stores %.2f barrier %.2f | %.2f cycles per ns\\n",
      what, rank, ns, v[0]/ns/1e3, v[1]/ns/1e3, v[2]/ns/1e3, v[3]/ns/1e3, cyc / nsec);
  }
  std::printf("trace %s rank %d sum:''')
open(p, 'w').write(s)
