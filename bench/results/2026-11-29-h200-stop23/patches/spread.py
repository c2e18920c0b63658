# Variant "spread": the combine numbers its warps warp-major (warp w of every block before warp
# w + 1 of any), so that its units of lines (the sends and the line sum) spread over the SMs
# instead of filling the first blocks.
import sys
path = sys.argv[1]
s = open(path).read()
old = "  const int warp_id = blockIdx.x * kWarpsPerBlock + warp;\n"
assert s.count(old) == 1
s = s.replace(old, "  const int warp_id = warp * gridDim.x + blockIdx.x;\n")
open(path, "w").write(s)
