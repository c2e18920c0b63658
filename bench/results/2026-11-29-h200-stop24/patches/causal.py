# Diagnostic variants for causal profiling (mode in /tmp/sass/causal_mode): one place of one
# kernel spins 2,000 cycles (about 1 us at 1.98 GHz); how much the step slows says how much of that
# place's time is on the step's critical path. d_send: the dispatch's blocks 0 and 1 (at 1 row the
# senders of words and lines) before the words; d_recv: its other blocks before the receive;
# d_end: every thread at the dispatch's end; c_send: the combine's first half of warps (its
# senders of lines at 1 row) before the sends; c_sum: every warp before the line sum; c_end:
# every thread after the line sum.
import sys
path = sys.argv[1]
mode = open("/tmp/sass/causal_mode").read().strip()
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("// Note [Dispatch] and Note [Lines for small counts].\n", """__device__ __forceinline__ void PgSpin(long long cycles) {
  const long long start = clock64();
  while (clock64() - start < cycles) {
  }
}
// Note [Dispatch] and Note [Lines for small counts].\n""")
spin = "PgSpin(2000);"
if mode == "d_send":
    sub("  // Every peer's line_counts word of every expert it owns", "  if (blockIdx.x < 2) " + spin + "\n  // Every peer's line_counts word of every expert it owns")
elif mode == "d_recv":
    sub("  // Receive. Each source's mode, from its words", "  if (blockIdx.x >= 2) " + spin + "\n  // Receive. Each source's mode, from its words")
elif mode == "d_end":
    sub("""                                        : kRowsDispatches),
             1);
  }
}
""", """                                        : kRowsDispatches),
             1);
  }
  """ + spin + """
}
""")
elif mode == "c_send":
    sub("  // Lines to every source that takes them, this rank included", "  if (warp_id < warps / 2) " + spin + "\n  // Lines to every source that takes them, this rank included")
elif mode == "c_sum":
    sub("""    char* out = reinterpret_cast<char*>(p.out);
    const int units = rows * line_groups;""", "    " + spin + """
    char* out = reinterpret_cast<char*>(p.out);
    const int units = rows * line_groups;""")
elif mode == "c_end":
    sub("""    return;
  }

  // Every block of every peer's group for this rank.""", "    " + spin + """
    return;
  }

  // Every block of every peer's group for this rank.""")
else:
    raise SystemExit("mode?")
open(path, "w").write(s)
