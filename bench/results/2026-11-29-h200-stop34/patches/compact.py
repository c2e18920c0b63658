# Probe (not landed): a2a_ll's dispatch sends its lines kUnroll consecutive units a warp, on the
# grid's first warps only (warp w: units kUnroll w to kUnroll w + kUnroll - 1), so that at small
# counts the blocks that unpack (from the grid's last warp down) sent nothing and pass the barrier
# after the count words without waiting for their own line stores to land.
import sys
p = sys.argv[1]
s = open(p).read()
begin = s.index('    // Lines: (pair, four lines) per warp, kUnroll of them loaded')
end = s.index('  } else if (!lines_out) {', begin)
part = s[begin:end]
a = 'for (int base = warp_id; base < units; base += warps * kUnroll) {'
assert part.count(a) == 1
part = part.replace(a, 'for (int base = warp_id * kUnroll; base < units; base += warps * kUnroll) {')
a = 'const int unit = base + u * warps;'
assert part.count(a) == 2
part = part.replace(a, 'const int unit = base + u;')
s = s[:begin] + part + s[end:]
open(p, 'w').write(s)
