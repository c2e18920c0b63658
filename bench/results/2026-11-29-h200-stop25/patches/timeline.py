# Stop 23's patches/timeline.py (../../2026-11-29-h200-stop23/patches/), its anchors updated for stop 25's dispatch (own_listed, the packed scan).
# Stop 22's patches/timeline.py with its two kernel-start anchors updated for TouchParams (stop 23).
# Diagnostic variant "timeline" (timing only): %globaltimer at each phase of both kernels, in
# block 0's thread 0 (role 0) and the last block's last warp's lane 0 (role 1), every rank, for the
# launch whose epoch is 600; rank 0's dispatch at epoch 700 prints them all (one timeline of one
# step across ranks and blocks, with no print inside it).
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)

helpers = r'''
// Diagnostic timeline (variant "timeline" only).
__device__ unsigned long long pg_tl[2][8][2][24];
#define PG_DECL(K)                                                                 \
  constexpr int pg_kernel = K;                                                     \
  __shared__ unsigned long long pg_ts[24];                                         \
  const int pg_role = (blockIdx.x == 0 && threadIdx.x == 0)                        \
                          ? 0                                                      \
                          : (blockIdx.x == gridDim.x - 1 && threadIdx.x == blockDim.x - 32) ? 1 : -1; \
  if (pg_role >= 0)                                                                \
    for (int pg_i = 0; pg_i < 24; ++pg_i) pg_ts[pg_i] = 0;
#define PG_T(i) \
  if (pg_role >= 0) { pg_ts[i] = GlobalTimerNs(); pg_ts[12 + i] = clock64(); }
#define PG_SAVE(epoch_value, rank_value)                                            \
  if (pg_role >= 0 && (epoch_value) == 600u)                                        \
    for (int pg_i = 0; pg_i < 24; ++pg_i) pg_tl[pg_kernel][rank_value][pg_role][pg_i] = pg_ts[pg_i];
#define PG_PRINT_ALL(epoch_value, rank_value, world_value)                                   \
  if (blockIdx.x == 0 && threadIdx.x == 0 && (rank_value) == 0 && (epoch_value) == 700u) {   \
    const unsigned long long pg_zero = pg_tl[0][0][0][1];                                    \
    for (int pg_k = 0; pg_k < 2; ++pg_k)                                                     \
      for (int pg_r = 0; pg_r < (world_value); ++pg_r)                                       \
        for (int pg_o = 0; pg_o < 2; ++pg_o) {                                               \
          long long d[12];                                                                   \
          for (int pg_i = 0; pg_i < 12; ++pg_i)                                              \
            d[pg_i] = pg_tl[pg_k][pg_r][pg_o][pg_i] == 0                                     \
                          ? -99999                                                           \
                          : (long long)(pg_tl[pg_k][pg_r][pg_o][pg_i] - pg_zero);            \
          printf("TL %s rank %d role %d | %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld\n", \
                 pg_k ? "C" : "D", pg_r, pg_o, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7],  \
                 d[8], d[9], d[10], d[11]);                                                  \
          for (int pg_i = 0; pg_i < 12; ++pg_i)                                              \
            d[pg_i] = pg_tl[pg_k][pg_r][pg_o][12 + pg_i] == 0                                \
                          ? -99999                                                           \
                          : (long long)(pg_tl[pg_k][pg_r][pg_o][12 + pg_i] - pg_tl[pg_k][pg_r][pg_o][12]); \
          printf("CK %s rank %d role %d | %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld\n", \
                 pg_k ? "C" : "D", pg_r, pg_o, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7],  \
                 d[8], d[9], d[10], d[11]);                                                  \
        }                                                                                    \
  }
'''
anchor = "// Note [Dispatch] and Note [Lines for small counts].\n"
sub(anchor, helpers + anchor)
# Dispatch.
sub("""    DispatchKernel(const DispatchParams p) {
  device_exchange::TouchParams(p);  // Note [Parameters before the wait]
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
""", """    DispatchKernel(const DispatchParams p) {
  PG_DECL(0)
  PG_T(0)
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
  PG_T(1)
""")
sub("""    any_sends_once = 0;
    own_listed = 0;
  }
  __syncthreads();
  const uint32_t epoch = shared_epoch;
""", """    any_sends_once = 0;
    own_listed = 0;
  }
  __syncthreads();
  PG_T(2)
  const uint32_t epoch = shared_epoch;
""")
sub("""  if (lines_out && !expired) {
    // Lines: (pair, four lines) per warp""", """  PG_T(3)
  if (lines_out && !expired) {
    // Lines: (pair, four lines) per warp""")
sub("""  // Receive. Each source's mode, from its words""", """  PG_T(4)
  // Receive. Each source's mode, from its words""")
sub("""    lines_in[i] = !lines ? 0 : source != c.rank ? count : count << kOwnListedShift;
  }
  __syncthreads();
""", """    lines_in[i] = !lines ? 0 : source != c.rank ? count : count << kOwnListedShift;
  }
  __syncthreads();
  PG_T(5)
""")
sub("""  // Sources that send lines: (row, four lines) per warp, unpacked into recv_rows, and listed after
  // this rank's own pairs (Note [The list's two counts]).
  BlockExclusiveScan(lines_in, blocks_in);
""", """  PG_T(6)
  // Sources that send lines: (row, four lines) per warp, unpacked into recv_rows, and listed after
  // this rank's own pairs (Note [The list's two counts]).
  BlockExclusiveScan(lines_in, blocks_in);
  PG_T(7)
""")
sub("""  // Note [Rows once per rank]: the rows that sources sent once for several of this rank's
  // experts, copied from the first one's place""", """  PG_T(8)
  // Note [Rows once per rank]: the rows that sources sent once for several of this rank's
  // experts, copied from the first one's place""")
sub("""                                        : kRowsDispatches),
             1);
  }
}
""", """                                        : kRowsDispatches),
             1);
  }
  PG_T(9)
  PG_SAVE(epoch, c.rank)
  PG_PRINT_ALL(epoch, c.rank, world)
}
""")
# Combine.
sub("""CombineKernel(const CombineParams p) {
  device_exchange::TouchParams(p);  // Note [Parameters before the wait]
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
""", """CombineKernel(const CombineParams p) {
  PG_DECL(1)
  PG_T(0)
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
  PG_T(1)
""")
sub("""  load_entries(warp_id);
  __syncthreads();
""", """  load_entries(warp_id);
  __syncthreads();
  PG_T(2)
""")
sub("""  // Note [Rows once per rank]: a peer that sent its rows once per rank gets, at each first pair's""",
    """  PG_T(3)
  // Note [Rows once per rank]: a peer that sent its rows once per rank gets, at each first pair's""")
sub("""  // Per-block completion: the block's rows (every warp's""", """  PG_T(4)
  // Per-block completion: the block's rows (every warp's""")
sub("""  const uint64_t want = FlagTag(epoch, c.layer);
  const int rows = shared_rows;
""", """  const uint64_t want = FlagTag(epoch, c.layer);
  const int rows = shared_rows;
  PG_T(5)
""")
sub("""    // Note [Buffer reuse across layers]: a source that sent rows wrote its dispatch flags at every""",
    """    PG_T(6)
    // Note [Buffer reuse across layers]: a source that sent rows wrote its dispatch flags at every""")
sub("""          want, threadIdx.x, threadIdx.x, &word);
    }
    return;
  }
""", """          want, threadIdx.x, threadIdx.x, &word);
    }
    PG_T(7)
    PG_SAVE(epoch, c.rank)
    return;
  }
""")
sub("""  __syncthreads();
  if (!shared_all_arrived) return;
""", """  __syncthreads();
  PG_T(8)
  if (!shared_all_arrived) return;
""")
sub("""    p.out[static_cast<size_t>(token) * words + word] = PackBf16(sum);
  }
}
""", """    p.out[static_cast<size_t>(token) * words + word] = PackBf16(sum);
  }
  PG_T(9)
  PG_SAVE(epoch, c.rank)
}
""")
open(path, "w").write(s)
