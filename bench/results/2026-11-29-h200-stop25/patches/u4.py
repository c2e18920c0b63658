# Variant "u4": the lines-only dispatch instance loads four units (kLineUnroll) per warp before storing them.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""    constexpr int kUnroll = kSends == A2aLlSends::kLinesOneUnit ? 1 : kLineUnroll;""",
    """    constexpr int kUnroll = kSends == A2aLlSends::kLinesOneUnit ? kLineUnroll : kLineUnroll;""")
open(path, "w").write(s)
