# Variant "sumk4": the combine's final sum with 4 pairs' rows in flight per thread instead of 8.
import sys
p = sys.argv[1]; s = open(p).read()
old = "constexpr int kReduceLoads = 8;"
assert old in s; open(p, "w").write(s.replace(old, "constexpr int kReduceLoads = 4;"))
