# Variant "u2": the lines-only dispatch instance loads two units per warp before storing them.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""    constexpr int kUnroll = kSends == A2aLlSends::kLinesOneUnit ? 1 : kLineUnroll;""",
    """    constexpr int kUnroll = kSends == A2aLlSends::kLinesOneUnit ? 2 : kLineUnroll;""")
open(path, "w").write(s)
