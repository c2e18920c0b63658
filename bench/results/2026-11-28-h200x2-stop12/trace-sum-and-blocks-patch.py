# Applied after trace-patch.py: marks in the combine's line sum (block 0 thread 0, its first unit):
# 7 round 1's routes and weights loaded (e507c69 and before: 834e91f's sum loads no routes), 14
# round 1's lines arrived, 15 round 2's; and, per rank, the other rank's "lines sent" mark
# (loopback ranks share a GPU, so one clock). Applies to e507c69 and to 834e91f.
p='/work/main/ep_backend/src/a2a_ll.cu'
s=open(p).read()
def rep(a,b,count=1):
    global s
    assert s.count(a)==count, (s.count(a), a)
    s=s.replace(a,b)
routes_anchor = '''#pragma unroll
        for (int u = 0; u < kLineSumLoads; ++u)
          sent[u] = k0 + u < top_k && (valid >> (k0 + u) & 1u);'''
if routes_anchor in s:
  rep(routes_anchor,'''#pragma unroll
        for (int u = 0; u < kLineSumLoads; ++u)
          sent[u] = k0 + u < top_k && (valid >> (k0 + u) & 1u);
        if (k0 == 0 && unit == warp_id) {
          asm volatile("" ::"r"(route[0]), "r"(route[kLineSumLoads - 1]), "f"(weight[0]), "r"(valid));
          Mark(epoch, 7);
        }''')
for await_call in ('''        arrived = AwaitLineParts(c, at, want, owner_of, poison_of, unit, low, high);''',
                   '''            c, at, want, owner_of, poison_of, [&] { return valid >> k0; }, unit, low, high);'''):
  if await_call in s:
    rep(await_call, await_call + '''
        if (unit == warp_id) Mark(epoch, k0 == 0 ? 14 : 15);''')
rep('''  std::printf("trace %s rank %d (%d it) us:''','''  double peer_lines = 0, sum_marks[3] = {};
  for (int e = 0; e < 64; ++e) {
    auto& r = t[rank][e];
    bool ok = r[0] && r[13] > r[0] && r[13] - r[0] < 1000000 && r[8] >= r[0];
    if (!ok) continue;
    peer_lines += (double)(long long)(t[rank ^ 1][e][10] - r[0]);
    sum_marks[0] += r[7] ? (double)(long long)(r[7] - r[0]) : 0;
    sum_marks[1] += r[14] ? (double)(long long)(r[14] - r[0]) : 0;
    sum_marks[2] += r[15] ? (double)(long long)(r[15] - r[0]) : 0;
  }
  std::printf("trace %s rank %d sum: peer's lines sent %.2f | routes %.2f round1 %.2f round2 %.2f\\n", what, rank,
    peer_lines/n/1e3, sum_marks[0]/n/1e3, sum_marks[1]/n/1e3, sum_marks[2]/n/1e3);
  std::printf("trace %s rank %d (%d it) us:''')
# Then every block's exit time (after a barrier, so all its warps are done), per kernel, so that
# a kernel's end is its last block's, not block 0's (the "blocks" lines).
rep('''__device__ unsigned long long g_trace[8][64][16];''','''__device__ unsigned long long g_trace[8][64][16];
__device__ unsigned long long g_block_end[8][64][2][256];  // rank, epoch, kernel, block''')
rep('''  Mark(epoch, 6);
}''','''  Mark(epoch, 6);
  __syncthreads();
  if (threadIdx.x == 0) g_block_end[c.rank][epoch % 64][0][blockIdx.x] = Now();
}''')
rep('''    Mark(epoch, 13);
    return;''','''    Mark(epoch, 13);
    __syncthreads();
    if (threadIdx.x == 0) g_block_end[c.rank][epoch % 64][1][blockIdx.x] = Now();
    return;''')
rep('''  std::printf("trace %s rank %d sum:''','''  static unsigned long long be[8][64][2][256];
  cudaMemcpyFromSymbol(be, g_block_end, sizeof(be));
  double d_end = 0, c_end = 0, next_d = 0; int d_last[256] = {}, c_last[256] = {}; int m = 0;
  for (int e = 0; e < 63; ++e) {
    auto& r = t[rank][e];
    bool ok = r[0] && r[13] > r[0] && r[13] - r[0] < 1000000 && r[8] >= r[0];
    auto& q = t[rank][e + 1];
    if (!ok || !(q[0] > r[13] && q[0] - r[13] < 100000)) continue;
    unsigned long long dm = 0, cm = 0; int db = 0, cb = 0;
    for (int b = 0; b < 256; ++b) {
      if (be[rank][e][0][b] > dm && be[rank][e][0][b] - r[0] < 1000000) { dm = be[rank][e][0][b]; db = b; }
      if (be[rank][e][1][b] > cm && be[rank][e][1][b] - r[0] < 1000000) { cm = be[rank][e][1][b]; cb = b; }
    }
    if (!dm || !cm) continue;
    d_end += (double)(dm - r[0]); c_end += (double)(cm - r[0]); next_d += (double)(q[0] - r[0]);
    ++d_last[db]; ++c_last[cb]; ++m;
  }
  int dmode = 0, cmode = 0;
  for (int b = 0; b < 256; ++b) { if (d_last[b] > d_last[dmode]) dmode = b; if (c_last[b] > c_last[cmode]) cmode = b; }
  if (m) std::printf("trace %s rank %d blocks (%d it): D last block out %.2f (most often block %d) | C last block out %.2f (block %d) | next D %.2f\\n",
    what, rank, m, d_end/m/1e3, dmode, c_end/m/1e3, cmode, next_d/m/1e3);
  std::printf("trace %s rank %d sum:''')
open(p,'w').write(s)
