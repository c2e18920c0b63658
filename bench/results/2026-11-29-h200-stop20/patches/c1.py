# Variant "c1" (timing only): a combine instance for the dispatch's one-unit launches: the list's
# lines one unit per warp at a time, and no sum of rows back (this rank took lines back).
import sys
p = sys.argv[1]
s = open(p).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (old, s.count(old))
    s = s.replace(old, new)
sub("""// Note [Combine] and Note [Lines for small counts].
__global__ void __launch_bounds__(A2aLl::kThreadsPerBlock, 1) CombineKernel(const CombineParams p) {""",
"""template <bool kOneUnit>
__global__ void __launch_bounds__(A2aLl::kThreadsPerBlock, 1) CombineKernel(const CombineParams p) {
  constexpr int kListUnroll = kOneUnit ? 1 : kLineUnroll;""")
sub("""  int4 entry[kLineUnroll];
  const auto load_entries = [&](int base) {
#pragma unroll
    for (int u = 0; u < kLineUnroll; ++u) {""", """  int4 entry[kListUnroll];
  const auto load_entries = [&](int base) {
#pragma unroll
    for (int u = 0; u < kListUnroll; ++u) {""")
sub("""  for (int base = warp_id; any_sends_lines && !expired && listed(base, 0);) {
    uint64_t low[kLineUnroll], high[kLineUnroll];
#pragma unroll
    for (int u = 0; u < kLineUnroll; ++u) {""", """  for (int base = warp_id; any_sends_lines && !expired && listed(base, 0);) {
    uint64_t low[kListUnroll], high[kListUnroll];
#pragma unroll
    for (int u = 0; u < kListUnroll; ++u) {""")
sub("""#pragma unroll
    for (int u = 0; u < kLineUnroll; ++u) {
      const int unit = base + u * warps;
      const int line = unit % line_groups * lines::kLinesPerWarp + line_group;
      if (!listed(base, u)""", """#pragma unroll
    for (int u = 0; u < kListUnroll; ++u) {
      const int unit = base + u * warps;
      const int line = unit % line_groups * lines::kLinesPerWarp + line_group;
      if (!listed(base, u)""")
sub("""    base += warps * kLineUnroll;
    load_entries(base);""", """    base += warps * kListUnroll;
    load_entries(base);""")
sub("""  if (source_modes[c.rank] & kTakesLinesBack) {""", """  if (kOneUnit || (source_modes[c.rank] & kTakesLinesBack)) {""")
sub("""                             reinterpret_cast<const void*>(CombineKernel)}) {""",
"""                             reinterpret_cast<const void*>(CombineKernel<false>),
                             reinterpret_cast<const void*>(CombineKernel<true>)}) {""")
sub("""  PADGRAPH_CUDA_RETURN_IF_ERROR(
      LaunchCooperative(CombineKernel, s.combine_blocks, kThreadsPerBlock, params, stream));""",
"""  const bool one_unit = s.layout.OneLineUnitAtATime(args.rows, s.dispatch_blocks * kWarpsPerBlock);
  PADGRAPH_CUDA_RETURN_IF_ERROR(LaunchCooperative(one_unit ? CombineKernel<true> : CombineKernel<false>, s.combine_blocks, kThreadsPerBlock, params, stream));""")
open(p, "w").write(s)
