# Stop 36: puts back e1425c3's AwaitLineParts decision (lane 0 alone, on its own line's late
# parts), to show that the new test fails without 78cb939's fix. argv[1]: a2a_ll.cu.
import sys
p = sys.argv[1]
s = open(p).read()
new = """      if (lane % lines::kLanesPerLine == 0 && missing != 0) {
        const int first = __ffs(missing) - 1;"""
old = """      if (lane == 0) {
        const int first = missing != 0 ? __ffs(missing) - 1 : 0;"""
assert s.count(new) == 1
s = s.replace(new, old)
a = "      if (__any_sync(kFullMask, stop != 0)) return false;"
assert s.count(a) == 1
s = s.replace(a, "      if (__shfl_sync(kFullMask, stop, 0) != 0) return false;")
open(p, "w").write(s)
