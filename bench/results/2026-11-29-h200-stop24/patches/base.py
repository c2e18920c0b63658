# Variant "base": the stop's start (34bef39) in the tree's benchmark: the combine's line sum from
# the grid's first warp again (6899ebc reversed).
import sys
path = sys.argv[1]
s = open(path).read()
old = "    for (int unit = warps - 1 - warp_id; unit < units; unit += warps) {\n      const int token"
assert s.count(old) == 1
s = s.replace(old, "    for (int unit = warp_id; unit < units; unit += warps) {\n      const int token")
open(path, "w").write(s)
