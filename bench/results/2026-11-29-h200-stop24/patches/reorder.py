# Variants of the dispatch's order after its slot table. "late" (argv[3] has "late"): block 0's
# stores for the combine (valid_pairs, pair_routes, the list's first entries) move from before
# the words to after the lines, just before the receive. "wlast" (argv[3] has "wlast"): the words
# are stored by blocks counted from the grid's last, so that at small counts the block that
# sends lines first (block 0) does not also store them.
import sys
path = sys.argv[1]
mode = open("/tmp/sass/reorder_mode").read()
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
start = s.index("  if (table && blockIdx.x == 0) {\n    // For the combine: which pairs travel")
end = s.index("    AddCount(c.counters + kInvalidPairs, invalid);\n  }\n", start) + len("    AddCount(c.counters + kInvalidPairs, invalid);\n  }\n")
block = s[start:end]
if "late" in mode:
    s = s[:start] + s[end:]
    sub("  // Receive. Each source's mode, from its words", block + "  // Receive. Each source's mode, from its words")
if "wlast" in mode:
    sub("""  for (int expert = blockIdx.x * blockDim.x + threadIdx.x; expert < experts;
       expert += gridDim.x * blockDim.x) {
    const int owner = layout.OwnerOf(expert);
    if (owner == c.rank) continue;""", """  for (int expert = (gridDim.x - 1 - blockIdx.x) * blockDim.x + threadIdx.x; expert < experts;
       expert += gridDim.x * blockDim.x) {
    const int owner = layout.OwnerOf(expert);
    if (owner == c.rank) continue;""")
open(path, "w").write(s)
