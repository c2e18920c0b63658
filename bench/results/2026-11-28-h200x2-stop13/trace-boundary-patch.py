# Applied after ../2026-11-28-h200-loopback/trace-patch.py and
# ../2026-11-28-h200x2-stop12/trace-sum-and-blocks-patch.py: block 0's %globaltimer at each kernel's
# first instruction (before its launch counter's load) and when griddepcontrol.wait returns, for the
# dispatch and the combine, printed in us from the same epoch's dispatch entry (mark 0) as the
# "boundary" line: when each kernel's block 0 started (early, if programmatic launch let it become
# resident before its predecessor ended) and when its wait returned.
p = '/work/main/ep_backend/src/a2a_ll.cu'
s = open(p).read()
def rep(a, b, count=1):
    global s
    assert s.count(a) == count, (s.count(a), a)
    s = s.replace(a, b)
rep('''__device__ unsigned long long g_trace[8][64][16];''', '''__device__ unsigned long long g_trace[8][64][16];
__device__ unsigned long long g_bound[8][64][4];  // rank, epoch: D start, D waited, C start, C waited''')
for kernel, slot in (('DispatchKernel(const DispatchParams p) {', 0), ('CombineKernel(const CombineParams p) {', 2)):
    rep(kernel + '''
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();''', kernel + f'''
  const unsigned long long bound_start = Now();
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
  const unsigned long long bound_waited = Now();
  if (blockIdx.x == 0 && threadIdx.x == 0) {{
    g_bound[p.common.rank][(last_epoch + 1) % 64][{slot}] = bound_start;
    g_bound[p.common.rank][(last_epoch + 1) % 64][{slot + 1}] = bound_waited;
  }}''')
rep('''  std::printf("trace %s rank %d sum:''', '''  {
    static unsigned long long bd[8][64][4];
    cudaMemcpyFromSymbol(bd, g_bound, sizeof(bd));
    double v[4] = {}; int nb = 0;
    for (int e = 0; e < 63; ++e) {
      auto& r = t[rank][e];
      auto& q = t[rank][e + 1];
      bool ok = r[0] && r[13] > r[0] && r[13] - r[0] < 1000000 && q[0] > r[13] && q[0] - r[13] < 100000;
      if (!ok || !bd[rank][e + 1][0] || !bd[rank][e][2]) continue;
      v[0] += (double)(long long)(bd[rank][e][2] - r[0]); v[1] += (double)(long long)(bd[rank][e][3] - r[0]);
      v[2] += (double)(long long)(bd[rank][e + 1][0] - r[0]); v[3] += (double)(long long)(bd[rank][e + 1][1] - r[0]);
      ++nb;
    }
    if (nb) std::printf("trace %s rank %d boundary (%d it): C block 0 start %.2f waited %.2f | next D block 0 start %.2f waited %.2f\\n",
      what, rank, nb, v[0]/nb/1e3, v[1]/nb/1e3, v[2]/nb/1e3, v[3]/nb/1e3);
  }
  std::printf("trace %s rank %d sum:''')
open(p, 'w').write(s)
