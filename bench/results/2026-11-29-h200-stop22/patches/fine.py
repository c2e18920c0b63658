# Diagnostic variant "fine" (on top of "timeline", timing only): stamps inside the phases, taken by
# the threads that do the work. In the dispatch, the last block's thread 0 (its warp 0 holds token
# 0's pairs in the slot table, polls the first 32 words and unpacks a unit at 1 row): F0 after the
# first barrier, F1 once its id is in (after __match_any_sync), F2 after its atomicOr, F3 after the
# table's barrier, F4 when its own words are in, F5 after the words' barrier, F6 after the scan,
# F7 after its unpack. In the combine, block 0's thread 0: G0 before the line sum's first poll, G1
# after it. Each AwaitLineParts notes its poll count; "P" gives it for both.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("__device__ unsigned long long pg_tl[2][8][2][24];", "__device__ unsigned long long pg_tl[2][8][2][40];\n__shared__ unsigned pg_polls;")
sub("__shared__ unsigned long long pg_ts[24];", "__shared__ unsigned long long pg_ts[40];")
sub("for (int pg_i = 0; pg_i < 24; ++pg_i) pg_ts[pg_i] = 0;", "for (int pg_i = 0; pg_i < 40; ++pg_i) pg_ts[pg_i] = 0;")
sub("""  if (pg_role >= 0)                                                                \\
    for (int pg_i = 0; pg_i < 40; ++pg_i) pg_ts[pg_i] = 0;""", """  const bool pg_fine = (blockIdx.x == (K == 0 ? gridDim.x - 1 : 0)) && threadIdx.x == 0;   \\
  if (pg_role >= 0)                                                                \\
    for (int pg_i = 0; pg_i < 40; ++pg_i) pg_ts[pg_i] = 0;""")
sub("""#define PG_T(i) \\""", """#define PG_F(i) \\
  if (pg_fine) pg_ts[24 + i] = GlobalTimerNs();
#define PG_P(i) \\
  if (pg_fine) pg_ts[32 + i] = pg_polls;
#define PG_T(i) \\""")
sub("""  if (pg_role >= 0 && (epoch_value) == 600u)                                        \\
    for (int pg_i = 0; pg_i < 24; ++pg_i) pg_tl[pg_kernel][rank_value][pg_role][pg_i] = pg_ts[pg_i];""",
"""  __syncthreads();                                                                  \\
  if (pg_role >= 0 && (epoch_value) == 600u)                                        \\
    for (int pg_i = 0; pg_i < 40; ++pg_i) pg_tl[pg_kernel][rank_value][pg_role][pg_i] = pg_ts[pg_i];""")
sub("""          printf("CK %s rank %d role %d""", """          if (pg_o == (pg_k == 0 ? 1 : 0)) {                                                 \\
            long long f[8];                                                                  \\
            for (int pg_i = 0; pg_i < 8; ++pg_i)                                             \\
              f[pg_i] = pg_tl[pg_k][pg_r][pg_o][24 + pg_i] == 0                              \\
                            ? -99999                                                         \\
                            : (long long)(pg_tl[pg_k][pg_r][pg_o][24 + pg_i] - pg_zero);     \\
            printf("F%s rank %d | %lld %lld %lld %lld %lld %lld %lld %lld | polls %llu %llu\\n", \\
                   pg_k ? "C" : "D", pg_r, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7],   \\
                   pg_tl[pg_k][pg_r][pg_o][32], pg_tl[pg_k][pg_r][pg_o][33]);                \\
          }                                                                                  \\
          printf("CK %s rank %d role %d""")
# The poll count.
sub("""    missing = __shfl_sync(kFullMask, late, tag_source);
    if (__all_sync(kFullMask, missing == 0)) return true;""", """    missing = __shfl_sync(kFullMask, late, tag_source);
    if (__all_sync(kFullMask, missing == 0)) {
      if (threadIdx.x == 0) pg_polls = polls;
      return true;
    }""")
# The helpers must come before AwaitLineParts: move the anchor of timeline's helpers? They sit before
# the dispatch; pg_polls is declared there, so declare it again up front.
sub("""template <int N, typename PeerOf, typename PoisonOf, typename Wanted>
__device__ bool AwaitLineParts(""", """__shared__ unsigned pg_polls;
template <int N, typename PeerOf, typename PoisonOf, typename Wanted>
__device__ bool AwaitLineParts(""")
sub("__device__ unsigned long long pg_tl[2][8][2][40];\n__shared__ unsigned pg_polls;", "__device__ unsigned long long pg_tl[2][8][2][40];")
# Dispatch.
sub("""    any_sends_once = 0;
  }
  __syncthreads();
  PG_T(2)""", """    any_sends_once = 0;
  }
  __syncthreads();
  PG_T(2)
  PG_F(0)""")
sub("""      const bool valid = in_range && (same & group_mask & lanes_below) == 0;
      if (active) {
        pair_expert[token * top_k + pair_k] = valid ? id : -1;
        if (valid) atomicOr(&expert_tokens[id], 1ull << token);
        invalid += valid ? 0 : 1;
      }
    }
    __syncthreads();
  }""", """      const bool valid = in_range && (same & group_mask & lanes_below) == 0;
      if (first == 0) PG_F(1)
      if (active) {
        pair_expert[token * top_k + pair_k] = valid ? id : -1;
        if (valid) atomicOr(&expert_tokens[id], 1ull << token);
        invalid += valid ? 0 : 1;
      }
      if (first == 0) PG_F(2)
    }
    __syncthreads();
  }
  PG_F(3)""")
sub("""    lines_in[i] = lines && source != c.rank ? count : 0;
  }
  __syncthreads();
  PG_T(5)""", """    lines_in[i] = lines && source != c.rank ? count : 0;
  }
  PG_F(4)
  __syncthreads();
  PG_T(5)
  PG_F(5)""")
sub("""  BlockExclusiveScan(lines_in, blocks_in);
  PG_T(7)""", """  BlockExclusiveScan(lines_in, blocks_in);
  PG_T(7)
  PG_F(6)""")
sub("""    StoreRowPart(local_base + layout.RecvRow(local_expert, source, slot), row_bytes, line, part,
                 low[0], high[0]);""", """    StoreRowPart(local_base + layout.RecvRow(local_expert, source, slot), row_bytes, line, part,
                 low[0], high[0]);
    PG_F(7)
    PG_P(0)""")
# Combine.
sub("""        arrived = AwaitLineParts(
            c, at, want, owner_of, poison_of, [&] { return valid >> k0; }, unit, low, high);""",
"""        PG_F(0)
        arrived = AwaitLineParts(
            c, at, want, owner_of, poison_of, [&] { return valid >> k0; }, unit, low, high);
        PG_F(1)
        PG_P(0)""")
open(path, "w").write(s)
