# Variant "no1" (timing): a third dispatch instance for launches that cannot send rows once per rank
# (padded rows at most rank_dedup_rows): the once sends compiled out.
import sys
p = sys.argv[1]
s = open(p).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (old, s.count(old))
    s = s.replace(old, new)
sub("""template <bool kOneUnit>
__global__ void __launch_bounds__(A2aLl::kThreadsPerBlock, 1)
    DispatchKernel(const DispatchParams p) {""", """template <bool kOneUnit, bool kMayOnce>
__global__ void __launch_bounds__(A2aLl::kThreadsPerBlock, 1)
    DispatchKernel(const DispatchParams p) {""")
sub("""  const bool once = !lines_out && rows > layout.shape.rank_dedup_rows;""",
    """  const bool once = kMayOnce && !lines_out && rows > layout.shape.rank_dedup_rows;""")
sub("""  for (const void* kernel : {reinterpret_cast<const void*>(DispatchKernel<false>),
                             reinterpret_cast<const void*>(DispatchKernel<true>),""",
"""  for (const void* kernel : {reinterpret_cast<const void*>(DispatchKernel<false, true>),
                             reinterpret_cast<const void*>(DispatchKernel<false, false>),
                             reinterpret_cast<const void*>(DispatchKernel<true, false>),""")
sub("""      LaunchCooperative(one_unit ? DispatchKernel<true> : DispatchKernel<false>, s.dispatch_blocks,""",
"""      LaunchCooperative(one_unit ? DispatchKernel<true, false> : args.rows > s.layout.shape.rank_dedup_rows ? DispatchKernel<false, true> : DispatchKernel<false, false>, s.dispatch_blocks,""")
open(p, "w").write(s)
