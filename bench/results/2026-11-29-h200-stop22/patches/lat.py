# Diagnostic variant "lat" (on top of "timeline", timing only): right after griddepcontrol.wait
# the dispatch's two stamping threads time single dependent loads (clock64 cycles, the load's value
# stored to shared memory before the second read, so the read waits for it): topk_ids (twice:
# cold, then the same line warm), x, this rank's window, a peer's window, valid_pairs, line_sends,
# the byte counters. Printed as "LT" lines beside the timeline.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("__device__ unsigned long long pg_tl[2][8][2][24];", "__device__ unsigned long long pg_tl[2][8][2][32];")
sub("__shared__ unsigned long long pg_ts[24];", "__shared__ unsigned long long pg_ts[32];")
sub("for (int pg_i = 0; pg_i < 24; ++pg_i) pg_ts[pg_i] = 0;", "for (int pg_i = 0; pg_i < 32; ++pg_i) pg_ts[pg_i] = 0;")
sub("for (int pg_i = 0; pg_i < 24; ++pg_i) pg_tl[pg_kernel][rank_value][pg_role][pg_i] = pg_ts[pg_i];",
    "for (int pg_i = 0; pg_i < 32; ++pg_i) pg_tl[pg_kernel][rank_value][pg_role][pg_i] = pg_ts[pg_i];")
sub("""          printf("CK %s rank %d role %d""", """          if (pg_k == 0)                                                                     \\
            printf("LT rank %d role %d | %llu %llu %llu %llu %llu %llu %llu %llu\\n", pg_r, pg_o,  \\
                   pg_tl[0][pg_r][pg_o][24], pg_tl[0][pg_r][pg_o][25], pg_tl[0][pg_r][pg_o][26],  \\
                   pg_tl[0][pg_r][pg_o][27], pg_tl[0][pg_r][pg_o][28], pg_tl[0][pg_r][pg_o][29],  \\
                   pg_tl[0][pg_r][pg_o][30], pg_tl[0][pg_r][pg_o][31]);                           \\
          printf("CK %s rank %d role %d""")
sub("""  device_exchange::AwaitPredecessor();
  PG_T(1)
  __shared__ uint32_t shared_epoch;
  __shared__ int shared_rows;
  __shared__ int shared_expired;
  // Lines out""", """  device_exchange::AwaitPredecessor();
  PG_T(1)
  if (pg_role >= 0) {
    __shared__ unsigned long long pg_sink[8];
    const int pg_peer = p.common.rank ^ 1;
#define PG_CLK(t) asm volatile("mov.u64 %0, %%clock64;" : "=l"(t)::"memory")
#define PG_LAT(slot, address)                                                  \\
    {                                                                          \\
      unsigned long long t0, t1;                                \
      unsigned v;                                            \\
      PG_CLK(t0);                                                              \\
      asm volatile("ld.volatile.global.u32 %0, [%1];" : "=r"(v) : "l"(address) : "memory"); \\
      pg_sink[slot] = v;                                                       \\
      PG_CLK(t1);                                                              \\
      pg_ts[24 + slot] = t1 - t0;                                              \\
    }
    PG_LAT(0, p.topk_ids)
    PG_LAT(1, p.topk_ids + 1)
    PG_LAT(2, p.x)
    PG_LAT(3, p.common.peers[p.common.rank] + 64)
    PG_LAT(4, p.common.peers[pg_peer] + 64)
    PG_LAT(5, p.valid_pairs)
    PG_LAT(6, p.line_sends + 5)
    PG_LAT(7, p.common.counters)
  }
  __shared__ uint32_t shared_epoch;
  __shared__ int shared_rows;
  __shared__ int shared_expired;
  // Lines out""")
open(path, "w").write(s)
