# Variant cnt: the dispatch's path counter added with the stores after the last barrier before
# the first wait, instead of at the kernel's end.
import re, sys
path = sys.argv[1]
s = open(path).read()
old_end = """  if (blockIdx.x == 0 && threadIdx.x == 0) {
    AddCount(c.counters + (lines_out    ? kLinesDispatches
                           : once       ? kRowsOnceDispatches
                           : lines_back ? kLinesBackDispatches
                                        : kRowsDispatches),
             1);
  }
}
"""
assert old_end in s
s = s.replace(old_end, "}\n")
old = """    p.epochs[blockIdx.x] = epoch;
    if (blockIdx.x == 0) *p.sent_rows = rows;
  }
"""
new = """    p.epochs[blockIdx.x] = epoch;
    if (blockIdx.x == 0) {
      *p.sent_rows = rows;
      AddCount(c.counters + (lines_out    ? kLinesDispatches
                             : once       ? kRowsOnceDispatches
                             : lines_back ? kLinesBackDispatches
                                          : kRowsDispatches),
               1);
    }
  }
"""
assert s.count(old) == 1
s = s.replace(old, new)
open(path, "w").write(s)
