# Diagnostic variant "cap16" (benchmark only): a capacity of 16 rows per source instead of 128, so
# that each expert's receive region is 16 x world rows (the windows 8x smaller), to see whether
# the spread of the rows over pages costs the small counts.
import sys
path = sys.argv[2]
s = open(path).read()
old = "constexpr int kCapacity = 128;"
assert s.count(old) == 1
open(path, "w").write(s.replace(old, "constexpr int kCapacity = 16;"))
