# Diagnostic variant "fine2" (on top of "timeline" + "fine", timing only): the stamping thread of
# the dispatch's last block notes when its early id is in (a shared store of it, which waits for
# the load), right after the first barrier, before the slot table's loop: slot 34, printed as
# "ID" beside F0.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""  PG_T(2)
  PG_F(0)""", """  PG_T(2)
  PG_F(0)
  if (pg_fine) {
    pg_ts[35] = static_cast<unsigned>(early_id);
    unsigned long long pg_t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(pg_t)::"memory");
    pg_ts[34] = pg_t;
  }""")
sub("""                   pg_tl[pg_k][pg_r][pg_o][32], pg_tl[pg_k][pg_r][pg_o][33]);                \\""",
"""                   pg_tl[pg_k][pg_r][pg_o][32], pg_tl[pg_k][pg_r][pg_o][33]);                \\
            if (pg_k == 0)                                                                   \\
              printf("ID rank %d | %lld\\n", pg_r,                                          \\
                     (long long)(pg_tl[0][pg_r][pg_o][34] - pg_zero));                       \\""")
open(path, "w").write(s)
