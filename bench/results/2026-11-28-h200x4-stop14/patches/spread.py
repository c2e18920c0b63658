# spread (folder 5), from the repository root at 7d34e36: the dispatch's line-store units dealt over the blocks first (warp w of block b is w x blocks + b).
p='ep_backend/src/a2a_ll.cu'
s=open(p).read()
old='''    for (int base = warp_id; base < units; base += warps * kLineUnroll) {
      uint64_t low[kLineUnroll], high[kLineUnroll];'''
new='''    const int spread_id = (threadIdx.x / kWarpSize) * gridDim.x + blockIdx.x;
    for (int base = spread_id; base < units; base += warps * kLineUnroll) {
      uint64_t low[kLineUnroll], high[kLineUnroll];'''
assert s.count(old)==1
open(p,'w').write(s.replace(old,new))
