# Variant "cexit": the combine's line sends leave their loop on the list's count alone before loading
# the next round's entries, so that no warp waits for entries past the count.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""    base += warps * kLineUnroll;
    load_entries(base);
  }
""", """    base += warps * kLineUnroll;
    if (layout.line_groups_divisor.Quotient(base) >= listed_rows) break;
    load_entries(base);
  }
""")
open(path, "w").write(s)
