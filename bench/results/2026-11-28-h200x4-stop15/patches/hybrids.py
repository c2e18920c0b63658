# Hybrids of folder 4 (newsum, newdisp, newlist): c19cac9's a2a_ll.cu (/tmp/hyb/prev_a2a.cu) with one part taken
# from f95c765's (/tmp/hyb/new_a2a.cu), and c19cac9's lines.cuh with the predicated primitives added
# without their __syncwarp(). Run from the repository root: python3 hybrids.py newsum|newdisp|newlist
import sys, re
which=sys.argv[1]
prev=open('/tmp/hyb/prev_a2a.cu').read()
new=open('/tmp/hyb/new_a2a.cu').read()
lines=open('/tmp/hyb/prev_lines.cuh').read()
# add the predicated primitives (no __syncwarp) to the old lines.cuh
add='''
__device__ __forceinline__ void StoreLinePart(bool store, uint64_t* address, uint64_t low, uint64_t high) {
  asm volatile("{\\n\\t.reg .pred p;\\n\\tsetp.ne.u32 p, %3, 0;\\n\\t@p st.volatile.global.v2.u64 [%0], {%1, %2};\\n\\t}" ::"l"(address), "l"(low), "l"(high), "r"(static_cast<uint32_t>(store)) : "memory");
}
template <int N>
__device__ __forceinline__ void LoadLineParts(const uint64_t* const (&at)[N], uint32_t which, uint64_t (&low)[N], uint64_t (&high)[N]) {
#pragma unroll
  for (int u = 0; u < N; ++u) {
    asm volatile("{\\n\\t.reg .pred p;\\n\\tsetp.ne.u32 p, %3, 0;\\n\\t@p ld.volatile.global.v2.u64 {%0, %1}, [%2];\\n\\t}" : "+l"(low[u]), "+l"(high[u]) : "l"(at[u]), "r"(which >> u & 1u) : "memory");
  }
}
'''
lines=lines.replace('}  // namespace padgraph::lines', add+'}  // namespace padgraph::lines')
open('/work/main/ep_backend/src/lines.cuh','w').write(lines)
def section(src, start, end):
    i=src.index(start); j=src.index(end, i); return src[i:j]
s=prev
if which=='newsum':
    a=section(prev,'template <int N, typename PeerOf','// Adds the weighted')
    b=section(new,'template <int N, typename PeerOf','// Adds the weighted')
    s=s.replace(a,b)
elif which=='newdisp':
    a=section(prev,'    // Lines: (pair, four lines) per warp','  } else if (!lines_out) {')
    b=section(new,'    // Lines: (pair, four lines) per warp','  } else if (!lines_out) {')
    b=b.replace('lines::StoreLinePart(','lines::StoreLinePart(')
    s=s.replace(a,b)
elif which=='newlist':
    a=section(prev,'  for (int base = warp_id; any_takes_lines','  // Rows to `peer` when it takes rows')
    b=section(new,'  for (int base = warp_id; any_takes_lines','  // Rows to `peer` when it takes rows')
    b=b.replace('lines::StoreLinePart(','lines::StoreLinePart(')
    s=s.replace(a,b)
open('/work/main/ep_backend/src/a2a_ll.cu','w').write(s)
