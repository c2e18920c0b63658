# Probe (not landed): floorsum.py's line sum warp-major (warp w of every block before warp w + 1 of
# any, from the grid's last warp back), as a2a_ll's combine spreads its line sums over the SMs.
import sys
p = sys.argv[1]
s = open(p).read()
a = '''    for (int unit = warps - 1 - warp_id; unit < sum_units; unit += warps) {'''
assert s.count(a) == 1
s = s.replace(a, '''    const int sum_warp = (threadIdx.x / kWarpSize) * gridDim.x + blockIdx.x;
    for (int unit = warps - 1 - sum_warp; unit < sum_units; unit += warps) {''')
open(p, 'w').write(s)
