# Variant "cg": every row copy (CopyRow) loads through __ldcg, the dispatch's copies of x too.
import sys
s = open(sys.argv[1]).read()
old = "      if (i < words) value[u] = kWrittenThisLaunch ? __ldcg(source + i) : source[i];"
assert s.count(old) == 1
open(sys.argv[1], "w").write(s.replace(old, "      if (i < words) value[u] = __ldcg(source + i);"))
