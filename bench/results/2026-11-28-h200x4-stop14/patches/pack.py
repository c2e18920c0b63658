# pack (folder 3), from the repository root at e49d28f: the dispatch's line stores in consecutive units, kLineUnroll per warp.
p='ep_backend/src/a2a_ll.cu'
s=open(p).read()
a=s.index('    // Lines: (pair, four lines) per warp, kLineUnroll of them loaded before any is stored.')
b=s.index('  } else if (!lines_out) {', a)
seg=s[a:b]
assert seg.count('const int unit = base + u * warps;')==2
seg=seg.replace('const int unit = base + u * warps;','const int unit = base + u;')
old='for (int base = warp_id; base < units; base += warps * kLineUnroll) {'
assert seg.count(old)==1
seg=seg.replace(old,'for (int base = warp_id * kLineUnroll; base < units; base += warps * kLineUnroll) {')
s=s[:a]+seg+s[b:]
open(p,'w').write(s)
