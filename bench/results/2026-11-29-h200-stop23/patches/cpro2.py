# Diagnostic variant "cpro2" (on top of cpro; timing only): block 0's thread 0 after the combine's
# first barrier, each value it waits on consumed in turn, with a clock after each: dispatch_epoch,
# listed_rows, entry[0], the modes (shared), the scan's branch, the epochs store, the __syncwarp.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""__device__ long long pg_comb[8][12];
""", """__device__ long long pg_comb[8][12];
__device__ long long pg_post[8][8];
""")
sub("""  pg_s[0] = pg_c2;
""", """  pg_s[0] = pg_c2;
  long long pg_p[8] = {};
  if (pg_me) {
    pg_sink = dispatch_epoch;
    pg_p[0] = clock64();
    pg_sink = listed_rows;
    pg_p[1] = clock64();
    pg_sink = entry[0].x;
    pg_p[2] = clock64();
  }
""")
sub("""  char* peer_window = c.peers[peer];
  const char* local_base = c.peers[c.rank];
  const char* expert_out = reinterpret_cast<const char*>(p.expert_out);
""", """  char* peer_window = c.peers[peer];
  const char* local_base = c.peers[c.rank];
  const char* expert_out = reinterpret_cast<const char*>(p.expert_out);
  if (pg_me) { pg_sink = any_sends_lines + (long long)peer_window + (long long)local_base; pg_p[3] = clock64(); }
""")
sub("""  if (!peer_sends_lines) BlockExclusiveScan(prefix, local_experts);
  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 53u);
    p.epochs[blockIdx.x] = epoch;
  }
""", """  if (!peer_sends_lines) BlockExclusiveScan(prefix, local_experts);
  if (pg_me) pg_p[4] = clock64();
  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 53u);
    p.epochs[blockIdx.x] = epoch;
  }
  if (pg_me) pg_p[5] = clock64();
""")
sub("""  __syncwarp();
  for (int base = warp_id; any_sends_lines && !expired && listed(base, 0);) {""", """  __syncwarp();
  if (pg_me) pg_p[6] = clock64();
  for (int base = warp_id; any_sends_lines && !expired && listed(base, 0);) {""")
sub("""        for (int i = 0; i < 11; ++i) pg_comb[c.rank][i] = pg_s[i] == 0 ? 0 : pg_s[i] - pg_c0;
""", """        for (int i = 0; i < 11; ++i) pg_comb[c.rank][i] = pg_s[i] == 0 ? 0 : pg_s[i] - pg_c0;
      if (epoch == 600u)
        for (int i = 0; i < 7; ++i) pg_post[c.rank][i] = pg_p[i] == 0 ? 0 : pg_p[i] - pg_c0;
""")
sub("""      for (int i = 0; i < 11; ++i) printf(" %lld", pg_comb[r][i]);
      printf("\\n");
""", """      for (int i = 0; i < 11; ++i) printf(" %lld", pg_comb[r][i]);
      printf("\\n");
      printf("CP rank %d | after the barrier, cycles after the wait: dispatch_epoch listed_rows "
             "entry0 modes scan epochs-store syncwarp:", r);
      for (int i = 0; i < 7; ++i) printf(" %lld", pg_post[r][i]);
      printf("\\n");
""")
open(path, "w").write(s)
