# Diagnostic variant "cpro" (timing only): the combine's prologue, from griddepcontrol.wait to the
# first barrier. Block 0: each warp's lane 0 stamps clock64 after the wait, just before the
# barrier (its loads that feed shared memory have returned) and after it. The last block's last
# warp, lane 0: a chain of single loads right after the wait, each consumed before the next clock.
# Saved for the launch whose epoch is 600 on every rank; printed by rank 0 at epoch 700.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)

helpers = r'''
// Diagnostic (variant "cpro" only).
__device__ long long pg_cw[8][16][3];
__device__ long long pg_chain[8][12];
__device__ long long pg_dw[8][16][3];
'''
anchor = "// Note [Dispatch] and Note [Lines for small counts].\n"
sub(anchor, helpers + anchor)
sub("""CombineKernel(const CombineParams p) {
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
""", """CombineKernel(const CombineParams p) {
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
  const long long pg_c0 = clock64();
  long long pg_ch[12] = {};
  volatile __shared__ long long pg_sink;
  if (blockIdx.x == gridDim.x - 1 && threadIdx.x == blockDim.x - 32) {
    pg_ch[0] = clock64();
    pg_sink = __ldcg(p.recv_counts + 0);
    pg_ch[1] = clock64();
    pg_sink = __ldcg(p.line_modes + 0);
    pg_ch[2] = clock64();
    pg_sink = __ldcg(p.dispatch_epochs);
    pg_ch[3] = clock64();
    pg_sink = __ldcg(p.line_send_count);
    pg_ch[4] = clock64();
    pg_sink = __ldcg(p.line_sends + 0).x;
    pg_ch[5] = clock64();
    pg_sink = *p.sent_rows;
    pg_ch[6] = clock64();
    pg_sink = DeadlineExpiredOnDevice(p.common.deadline);
    pg_ch[7] = clock64();
    pg_sink = __float_as_int(__ldg(p.weights + 0));
    pg_ch[8] = clock64();
    pg_sink = __ldcg(p.recv_counts + 1);
    pg_ch[9] = clock64();
    pg_sink = __ldcg(p.epochs + blockIdx.x);
    pg_ch[10] = clock64();
  }
""")
sub("""  load_entries(warp_id);
  __syncthreads();
  const uint32_t epoch = shared_epoch;
""", """  load_entries(warp_id);
  const long long pg_c1 = clock64();
  __syncthreads();
  const long long pg_c2 = clock64();
  const uint32_t epoch = shared_epoch;
  if (epoch == 600u && lane == 0 && blockIdx.x == 0) {
    pg_cw[c.rank][warp][0] = pg_c0;
    pg_cw[c.rank][warp][1] = pg_c1;
    pg_cw[c.rank][warp][2] = pg_c2;
  }
  if (epoch == 600u && blockIdx.x == gridDim.x - 1 && threadIdx.x == blockDim.x - 32)
    for (int i = 0; i < 11; ++i) pg_chain[c.rank][i] = pg_ch[i];
  if (epoch == 700u && c.rank == 0 && blockIdx.x == 0 && threadIdx.x == 0) {
    for (int r = 0; r < world; ++r) {
      printf("CW rank %d | wait-to-barrier per warp:", r);
      for (int w = 0; w < kWarpsPerBlock; ++w) printf(" %lld", pg_cw[r][w][1] - pg_cw[r][w][0]);
      printf(" | wait passed vs warp 0:");
      for (int w = 0; w < kWarpsPerBlock; ++w) printf(" %lld", pg_cw[r][w][0] - pg_cw[r][0][0]);
      printf(" | barrier left vs warp 0 wait: %lld\\n", pg_cw[r][0][2] - pg_cw[r][0][0]);
      printf("CH rank %d | recv_counts line_modes dispatch_epochs line_send_count line_sends "
             "sent_rows deadline weights recv_counts+1 epochs:", r);
      for (int i = 1; i < 11; ++i) printf(" %lld", pg_chain[r][i] - pg_chain[r][i - 1]);
      printf("\\n");
    }
    for (int r = 0; r < world; ++r) {
      printf("DW rank %d | dispatch wait-to-barrier per warp:", r);
      for (int w = 0; w < kWarpsPerBlock; ++w) printf(" %lld", pg_dw[r][w][1] - pg_dw[r][w][0]);
      printf(" | barrier left vs warp 0 wait: %lld\\n", pg_dw[r][0][2] - pg_dw[r][0][0]);
    }
  }
""")
sub("""    DispatchKernel(const DispatchParams p) {
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
""", """    DispatchKernel(const DispatchParams p) {
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
  const long long pg_d0 = clock64();
""")
sub("""    any_sends_once = 0;
  }
  __syncthreads();
  const uint32_t epoch = shared_epoch;
""", """    any_sends_once = 0;
  }
  const long long pg_d1 = clock64();
  __syncthreads();
  const long long pg_d2 = clock64();
  const uint32_t epoch = shared_epoch;
  if (epoch == 600u && threadIdx.x % 32 == 0 && blockIdx.x == 0) {
    pg_dw[p.common.rank][threadIdx.x / 32][0] = pg_d0;
    pg_dw[p.common.rank][threadIdx.x / 32][1] = pg_d1;
    pg_dw[p.common.rank][threadIdx.x / 32][2] = pg_d2;
  }
""")
sub("""__device__ long long pg_dw[8][16][3];
""", """__device__ long long pg_dw[8][16][3];
__device__ long long pg_comb[8][12];
""")
sub("""  const long long pg_c2 = clock64();
""", """  const long long pg_c2 = clock64();
  const bool pg_me = blockIdx.x == 0 && threadIdx.x == 0;
  long long pg_s[12] = {};
  pg_s[0] = pg_c2;
""")
sub("""    uint64_t low[kLineUnroll], high[kLineUnroll];
""", """    uint64_t low[kLineUnroll], high[kLineUnroll];
    if (pg_me && pg_s[1] == 0) pg_s[1] = clock64();
""")
sub("""    base += warps * kLineUnroll;
    load_entries(base);
""", """    if (pg_me && pg_s[2] == 0) pg_s[2] = clock64();
    base += warps * kLineUnroll;
    load_entries(base);
    if (pg_me && pg_s[3] == 0) { pg_sink = entry[0].x; pg_s[3] = clock64(); }
""")
sub("""  // Note [Rows once per rank]: a peer that sent its rows once per rank gets, at each first pair's""",
    """  if (pg_me) pg_s[4] = clock64();
  // Note [Rows once per rank]: a peer that sent its rows once per rank gets, at each first pair's""")
sub("""  // Per-block completion: the block's rows (every warp's""", """  if (pg_me) pg_s[5] = clock64();
  // Per-block completion: the block's rows (every warp's""")
sub("""  const uint64_t want = FlagTag(epoch, c.layer);
  const int rows = shared_rows;
""", """  const uint64_t want = FlagTag(epoch, c.layer);
  const int rows = shared_rows;
  if (pg_me) pg_s[6] = clock64();
""")
sub("""        arrived = AwaitLineParts(""", """        if (pg_me && pg_s[9] == 0) pg_s[9] = clock64();
        arrived = AwaitLineParts(""")
sub("""            c, at, want, owner_of, poison_of, [&] { return valid >> k0; }, unit, low, high);
""", """            c, at, want, owner_of, poison_of, [&] { return valid >> k0; }, unit, low, high);
        if (pg_me && pg_s[10] == 0) pg_s[10] = clock64();
""")
sub("""    // Note [Buffer reuse across layers]: a source that sent rows wrote its dispatch flags at every""",
    """    if (pg_me) pg_s[7] = clock64();
    // Note [Buffer reuse across layers]: a source that sent rows wrote its dispatch flags at every""")
sub("""          want, threadIdx.x, threadIdx.x, &word);
    }
    return;
  }
""", """          want, threadIdx.x, threadIdx.x, &word);
    }
    if (pg_me) {
      pg_s[8] = clock64();
      if (epoch == 600u)
        for (int i = 0; i < 11; ++i) pg_comb[c.rank][i] = pg_s[i] == 0 ? 0 : pg_s[i] - pg_c0;
    }
    return;
  }
""")
sub("""      printf("\\n");
    }
    for (int r = 0; r < world; ++r) {""", """      printf("\\n");
      printf("CS rank %d | block 0 thread 0, cycles after its wait: barrier loop-top lines-stored "
             "entries-loaded loop-done rows-done flag-done linesum-done end | await start end:", r);
      for (int i = 0; i < 11; ++i) printf(" %lld", pg_comb[r][i]);
      printf("\\n");
    }
    for (int r = 0; r < world; ++r) {""")
open(path, "w").write(s)
