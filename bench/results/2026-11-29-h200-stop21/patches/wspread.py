# Variant "wspread": the count words spread over the grid's blocks (thread t of block b: expert
# t * blocks + b) instead of all in block 0.
import sys
path = sys.argv[1]
whole = open(path).read()
cut = whole.index("// Note [Combine] and Note [Lines for small counts].")
s, rest = whole[:cut], whole[cut:]
old = """  for (int expert = blockIdx.x * blockDim.x + threadIdx.x; expert < experts;
       expert += gridDim.x * blockDim.x) {
    const int owner = layout.OwnerOf(expert);
    if (owner == c.rank) continue;"""
assert s.count(old) == 1
s = s.replace(old, """  for (int expert = threadIdx.x * gridDim.x + blockIdx.x; expert < experts;
       expert += gridDim.x * blockDim.x) {
    const int owner = layout.OwnerOf(expert);
    if (owner == c.rank) continue;""")
open(path, 'w').write(s + rest)
