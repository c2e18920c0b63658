# Diagnostic, on top of timeline.py: stamps 10 and 11 in each kernel's line loop, first iteration,
# in the timeline's roles: 10 once the loaded row parts are in registers (a shared store of them
# waits for the loads), 11 after the stores of the lines are issued.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""  __shared__ unsigned long long pg_ts[24];                                         \\
""", """  __shared__ unsigned long long pg_ts[24];                                         \\
  __shared__ volatile unsigned long long pg_sink;                                  \\
""")
# Dispatch: loads, then stores.
sub("""          LoadRowPart(x + static_cast<size_t>(layout.top_k_divisor.Quotient(pair)) * row_bytes,
                      row_bytes, line, part, &low[u], &high[u]);
        }
      }
""", """          LoadRowPart(x + static_cast<size_t>(layout.top_k_divisor.Quotient(pair)) * row_bytes,
                      row_bytes, line, part, &low[u], &high[u]);
        }
      }
      if (base == warp_id && pg_role >= 0) { pg_sink = low[0] ^ high[0]; }
      if (base == warp_id) { PG_T(10) }
""")
sub("""          if (first_part) peer_bytes += row_bytes;
        }
      }
""", """          if (first_part) peer_bytes += row_bytes;
        }
      }
      if (base == warp_id) { PG_T(11) }
""")
# Combine.
sub("""        LoadRowPart(expert_out + static_cast<size_t>(entry[u].y) * row_bytes, row_bytes, line, part,
                    &low[u], &high[u]);
      }
    }
""", """        LoadRowPart(expert_out + static_cast<size_t>(entry[u].y) * row_bytes, row_bytes, line, part,
                    &low[u], &high[u]);
      }
    }
    if (base == warp_id && pg_role >= 0) { pg_sink = low[0] ^ high[0]; }
    if (base == warp_id) { PG_T(10) }
""")
sub("""      if (line == 0 && part == 0)
        (entry[u].w == c.rank ? moved_self_lines : moved_lines) += row_bytes;
    }
""", """      if (line == 0 && part == 0)
        (entry[u].w == c.rank ? moved_self_lines : moved_lines) += row_bytes;
    }
    if (base == warp_id) { PG_T(11) }
""")
open(path, "w").write(s)
