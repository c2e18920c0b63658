# Variant "revsum": the combine's line sum takes its units from the grid's last warp back, as the
# dispatch's unpack does, so at small counts it runs on warps that send no lines.
import sys
path = sys.argv[1]
s = open(path).read()
old = """    __syncwarp();  // Note [Converged lines]
    for (int unit = warp_id; unit < units; unit += warps) {"""
assert s.count(old) == 1
s = s.replace(old, """    __syncwarp();  // Note [Converged lines]
    for (int unit = warps - 1 - warp_id; unit < units; unit += warps) {""")
open(path, "w").write(s)
