# Diagnostic variant "stamps" (timing only): two threads of each kernel (block 0's thread 0 and
# the last block's last warp's lane 0, where the unpack and the line sum start) note clock64() in
# shared memory at each phase, and %globaltimer at entry and end; rank 0 prints them for its 600th
# dispatch and 700th combine (the benchmark filtered to one case), so one print does not delay the
# other.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)

helpers = r'''
// Diagnostic stamps (Note: variant "stamps" only).
#define PG_STAMP_DECL                                                                     \
  __shared__ long long pg_clock[16];                                                      \
  __shared__ unsigned long long pg_t0, pg_t1;                                             \
  const bool pg_stamper = (blockIdx.x == 0 && threadIdx.x == 0) ||                        \
                          (blockIdx.x == gridDim.x - 1 && threadIdx.x == blockDim.x - 32);
#define PG_STAMP(i) \
  if (pg_stamper) pg_clock[i] = clock64();
#define PG_PRINT(kind, n, epoch_value, rank_value, at_epoch)                                        \
  if (pg_stamper && (rank_value) == 0 && (epoch_value) == (at_epoch)) {                              \
    pg_t1 = GlobalTimerNs();                                                                         \
    long long pg_d[10];                                                                              \
    for (int pg_i = 0; pg_i < 10; ++pg_i)                                                            \
      pg_d[pg_i] = pg_i + 1 < (n) ? pg_clock[pg_i + 1] - pg_clock[0] : -1;                          \
    printf("%s block %d epoch %u ns %llu | %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld\n",   \
           kind, blockIdx.x, epoch_value, pg_t1 - pg_t0, pg_d[0], pg_d[1], pg_d[2], pg_d[3],         \
           pg_d[4], pg_d[5], pg_d[6], pg_d[7], pg_d[8], pg_d[9]);                                    \
  }
'''
sub("// Dispatch kernel marker", "// Dispatch kernel marker", 0)
anchor = "// Note [Dispatch] and Note [Lines for small counts].\n"
sub(anchor, helpers + anchor)
# Dispatch.
sub("""    DispatchKernel(const DispatchParams p) {
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
""", """    DispatchKernel(const DispatchParams p) {
  PG_STAMP_DECL
  if (pg_stamper) pg_t0 = GlobalTimerNs();
  PG_STAMP(0)
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
  PG_STAMP(1)
""")
sub("""    any_sends_once = 0;
  }
  __syncthreads();
  const uint32_t epoch = shared_epoch;
""", """    any_sends_once = 0;
  }
  __syncthreads();
  PG_STAMP(2)
  const uint32_t epoch = shared_epoch;
""")
sub("""        invalid += valid ? 0 : 1;
      }
    }
    __syncthreads();
  }
""", """        invalid += valid ? 0 : 1;
      }
    }
    __syncthreads();
  }
  PG_STAMP(3)
""")
sub("""  if (lines_out && !expired) {
    // Lines: (pair, four lines) per warp""", """  PG_STAMP(4)
  if (lines_out && !expired) {
    // Lines: (pair, four lines) per warp""")
sub("""  // Receive. Each source's mode, from its words""", """  PG_STAMP(5)
  // Receive. Each source's mode, from its words""")
sub("""    lines_in[i] = lines && source != c.rank ? count : 0;
  }
  __syncthreads();
""", """    lines_in[i] = lines && source != c.rank ? count : 0;
  }
  __syncthreads();
  PG_STAMP(6)
""")
sub("""  // Sources that send lines: (row, four lines) per warp, unpacked into recv_rows.
  BlockExclusiveScan(lines_in, blocks_in);
""", """  PG_STAMP(7)
  // Sources that send lines: (row, four lines) per warp, unpacked into recv_rows.
  BlockExclusiveScan(lines_in, blocks_in);
  PG_STAMP(8)
""")
sub("""  // Note [Rows once per rank]: the rows that sources sent once for several of this rank's
  // experts, copied from the first one's place""", """  PG_STAMP(9)
  // Note [Rows once per rank]: the rows that sources sent once for several of this rank's
  // experts, copied from the first one's place""")
sub("""                                        : kRowsDispatches),
             1);
  }
}
""", """                                        : kRowsDispatches),
             1);
  }
  PG_STAMP(10)
  PG_PRINT("D", 11, epoch, c.rank, 600)
}
""")
# Combine.
sub("""CombineKernel(const CombineParams p) {
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
""", """CombineKernel(const CombineParams p) {
  PG_STAMP_DECL
  if (pg_stamper) pg_t0 = GlobalTimerNs();
  PG_STAMP(0)
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
  PG_STAMP(1)
""")
sub("""  load_entries(warp_id);
  __syncthreads();
""", """  load_entries(warp_id);
  __syncthreads();
  PG_STAMP(2)
""")
sub("""  // Note [Rows once per rank]: a peer that sent its rows once per rank gets, at each first pair's""",
    """  PG_STAMP(3)
  // Note [Rows once per rank]: a peer that sent its rows once per rank gets, at each first pair's""")
sub("""  const uint64_t want = FlagTag(epoch, c.layer);
  const int rows = shared_rows;
""", """  const uint64_t want = FlagTag(epoch, c.layer);
  const int rows = shared_rows;
  PG_STAMP(4)
""")
sub("""          want, threadIdx.x, threadIdx.x, &word);
    }
    return;
  }
""", """          want, threadIdx.x, threadIdx.x, &word);
    }
    PG_STAMP(5)
    PG_PRINT("C", 6, epoch, c.rank, 700)
    return;
  }
""")
open(path, "w").write(s)
