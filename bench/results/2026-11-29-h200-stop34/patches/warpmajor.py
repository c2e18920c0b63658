# Probe (not landed): a2a_ll's dispatch sends its lines warp-major (warp w of every block before
# warp w + 1 of any), as the combine does, so that at small counts the stores leave from every SM
# (the lines' floor so: 5.31 -> 5.05 us at 1 row on 32 SMs, run2).
import sys
p = sys.argv[1]
s = open(p).read()
begin = s.index('    // Lines: (pair, four lines) per warp, kUnroll of them loaded')
end = s.index('  } else if (!lines_out) {', begin)
part = s[begin:end]
a = '    for (int base = warp_id; base < units; base += warps * kUnroll) {'
assert part.count(a) == 1
part = part.replace(a, '''    const int send_warp = (threadIdx.x / kWarpSize) * gridDim.x + blockIdx.x;
    for (int base = send_warp; base < units; base += warps * kUnroll) {''')
s = s[:begin] + part + s[end:]
open(p, 'w').write(s)
