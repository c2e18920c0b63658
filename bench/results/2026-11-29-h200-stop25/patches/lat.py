# Diagnostic "lat" (lat2: /tmp/lat_mode = before puts the probes before the line stores) (timing only, on top of timeline.py): in the combine's line loop, first round, in
# the timeline's roles: stamp 8 before the loads of expert_out, 9 once they are in registers (a
# shared store of them waits for the loads), then two probe loads by the role's thread alone, each
# awaited the same way: 10 after a load of the same row's second half (its page's translation
# warm, the row written by the dispatch), 11 after a load of a row that no launch of this count
# writes (local expert local_experts - 1, source world - 1, slot capacity - 1).
import sys
path = sys.argv[1]
mode = open("/tmp/lat_mode").read().strip()
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""  __shared__ unsigned long long pg_ts[24];                                         \\
""", """  __shared__ unsigned long long pg_ts[24];                                         \\
  __shared__ volatile unsigned long long pg_sink;                                  \\
""")
sub("""  for (int base = warp_id; any_sends_lines && !expired && listed(base, 0);) {
    uint64_t low[kLineUnroll], high[kLineUnroll];
""", """  for (int base = warp_id; any_sends_lines && !expired && listed(base, 0);) {
    uint64_t low[kLineUnroll], high[kLineUnroll];
    if (base == warp_id) { PG_T(8) }
""")
sub("""        LoadRowPart(expert_out + static_cast<size_t>(entry[u].y) * row_bytes, row_bytes, line, part,
                    &low[u], &high[u]);
      }
    }
""", """        LoadRowPart(expert_out + static_cast<size_t>(entry[u].y) * row_bytes, row_bytes, line, part,
                    &low[u], &high[u]);
      }
    }
    if (base == warp_id && pg_role >= 0) { pg_sink = low[0] ^ high[0]; }
    if (base == warp_id) { PG_T(9) }
""")
probe = """    if (base == warp_id && pg_role >= 0) {
      const char* probe_row = expert_out + static_cast<size_t>(entry[0].y) * row_bytes;
      pg_sink = __ldg(reinterpret_cast<const unsigned long long*>(probe_row + row_bytes / 2));
      PG_T(10)
      const size_t far = layout.RecvRowIndex(local_experts - 1, world - 1, layout.shape.capacity - 1);
      pg_sink = __ldg(reinterpret_cast<const unsigned long long*>(expert_out + far * row_bytes));
      PG_T(11)
    }
    __syncwarp();
"""
if mode == "before":
    sub("""    if (base == warp_id) { PG_T(9) }
""", """    if (base == warp_id) { PG_T(9) }
""" + probe)
else:
    sub("""      if (line == 0 && part == 0)
        (entry[u].w == c.rank ? moved_self_lines : moved_lines) += row_bytes;
    }
""", """      if (line == 0 && part == 0)
        (entry[u].w == c.rank ? moved_self_lines : moved_lines) += row_bytes;
    }
""" + probe)
open(path, "w").write(s)
