# Variant "ca" (call 3's head): the copies of x (CopyRow without kWrittenThisLaunch) load through
# __ldca instead of plain loads; to 0da17d9 or later.
import sys
s = open(sys.argv[1]).read()
old = "      if (i < words) value[u] = kWrittenThisLaunch ? __ldcg(source + i) : source[i];"
assert s.count(old) == 1
open(sys.argv[1], "w").write(s.replace(old, "      if (i < words) value[u] = kWrittenThisLaunch ? __ldcg(source + i) : __ldca(source + i);"))
