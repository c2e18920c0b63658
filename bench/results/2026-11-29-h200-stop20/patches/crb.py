# Variant "crb" (timing): a combine instance for launches of at most return_line_rows padded rows
# (this rank takes its rows back as lines): the sum of rows back compiled out.
import sys
p = sys.argv[1]
s = open(p).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (old, s.count(old))
    s = s.replace(old, new)
sub("""// Note [Combine] and Note [Lines for small counts].
__global__ void __launch_bounds__(A2aLl::kThreadsPerBlock, 1) CombineKernel(const CombineParams p) {""",
"""template <bool kLinesBack>
__global__ void __launch_bounds__(A2aLl::kThreadsPerBlock, 1) CombineKernel(const CombineParams p) {""")
sub("""  if (source_modes[c.rank] & kTakesLinesBack) {""", """  if (kLinesBack || (source_modes[c.rank] & kTakesLinesBack)) {""")
sub("""                             reinterpret_cast<const void*>(CombineKernel)}) {""",
"""                             reinterpret_cast<const void*>(CombineKernel<false>),
                             reinterpret_cast<const void*>(CombineKernel<true>)}) {""")
sub("""  PADGRAPH_CUDA_RETURN_IF_ERROR(
      LaunchCooperative(CombineKernel, s.combine_blocks, kThreadsPerBlock, params, stream));""",
"""  PADGRAPH_CUDA_RETURN_IF_ERROR(LaunchCooperative(args.rows <= s.layout.shape.return_line_rows ? CombineKernel<true> : CombineKernel<false>, s.combine_blocks, kThreadsPerBlock, params, stream));""")
open(p, "w").write(s)
