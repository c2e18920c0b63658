# Diagnostic variant "stamps2" (timing only, on top of stamps.py): the row path's wait loop runs
# twice (the second pass finds the same words: it only stores the same counts again), with a stamp
# after each pass (index 11 after the first, 7 after the second), to tell a cold first pass
# (instructions, constants) from work.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new):
    global s
    assert s.count(old) == 1, old
    s = s.replace(old, new)
sub("""  const int wait_words = local_experts * world * parts;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < wait_words; i += gridDim.x * blockDim.x) {""",
"""  const int wait_words = local_experts * world * parts;
#pragma unroll 1
  for (int pg_rep = 0; pg_rep < 2; ++pg_rep) {
  if (pg_rep == 1) { PG_STAMP(11) }
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < wait_words; i += gridDim.x * blockDim.x) {""")
sub("""      p.recv_counts[local_expert * world + source] = arrived ? FlagWordCount(word) : 0;
    }
  }

  PG_STAMP(7)""", """      p.recv_counts[local_expert * world + source] = arrived ? FlagWordCount(word) : 0;
    }
  }
  }

  PG_STAMP(7)""")
sub("""    long long pg_d[10];                                                                              \\
    for (int pg_i = 0; pg_i < 10; ++pg_i)                                                            \\
      pg_d[pg_i] = pg_i + 1 < (n) ? pg_clock[pg_i + 1] - pg_clock[0] : -1;                          \\
    printf("%s block %d epoch %u ns %llu | %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld\\n",   \\
           kind, blockIdx.x, epoch_value, pg_t1 - pg_t0, pg_d[0], pg_d[1], pg_d[2], pg_d[3],         \\
           pg_d[4], pg_d[5], pg_d[6], pg_d[7], pg_d[8], pg_d[9]);                                    \\""",
"""    long long pg_d[11];                                                                              \\
    for (int pg_i = 0; pg_i < 11; ++pg_i)                                                            \\
      pg_d[pg_i] = pg_i + 1 < (n) || pg_i == 10 ? pg_clock[pg_i + 1] - pg_clock[0] : -1;            \\
    printf("%s block %d epoch %u ns %llu | %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld | %lld\\n", \\
           kind, blockIdx.x, epoch_value, pg_t1 - pg_t0, pg_d[0], pg_d[1], pg_d[2], pg_d[3],         \\
           pg_d[4], pg_d[5], pg_d[6], pg_d[7], pg_d[8], pg_d[9], pg_d[10]);                          \\""")
open(path, "w").write(s)
