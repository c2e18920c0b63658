# Variant "noinline": head with the copies of spread rows once per rank in a __noinline__ function
# (the kernel's parameters __grid_constant__, so that the function reads them in place), so that
# the instances that never run it keep their code.
import sys
p = sys.argv[1]; s = open(p).read()
a = s.index("  uint32_t sources_in = 0;  // bit s: this warp has every block's word of source s\n")
b = s.index("  // Sources that did not spread: (local expert, source, part) per warp")
loop = s[a:b]
s = s[:a] + "  if (once_units > 0) copied_bytes = CopySpreadRowsOnce(p, once_in, blocks_in, once_units, buffer, want);\n" + s[b:]
fn = '''// Note [Rows once per rank]: the copies of the rows of sources that spread them (out of line).
__device__ __noinline__ unsigned long long CopySpreadRowsOnce(const DispatchParams& p,
                                                              const int* once_in, int blocks_in,
                                                              int once_units, int buffer,
                                                              uint64_t want) {
  const KernelCommon& c = p.common;
  const A2aLlLayout& layout = c.layout;
  const int world = layout.shape.world;
  const int top_k = layout.shape.top_k;
  const int lane = threadIdx.x % kWarpSize;
  const int words = layout.shape.hidden / 8;
  const int chunk_words = (words + kSpreadChunks - 1) / kSpreadChunks;
  const int warps = gridDim.x * kWarpsPerBlock;
  const size_t row_bytes = layout.row_bytes();
  char* const local_base = c.peers[c.rank];
  unsigned long long copied_bytes = 0;
''' + loop + '''  return copied_bytes;
}

'''
k = s.index("template <A2aLlSends kSends>\n__global__")
s = s[:k] + fn + s[k:]
old = "DispatchKernel(const DispatchParams p) {"
assert old in s; s = s.replace(old, "DispatchKernel(const __grid_constant__ DispatchParams p) {")
open(p, "w").write(s)
