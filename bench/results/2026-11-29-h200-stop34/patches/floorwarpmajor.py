# Probe (not landed): the lines' floor's sends warp-major (warp w of every block before warp w + 1
# of any), so that at 8 rows on 128 SMs every block sends, as a2a_ll's dispatch blocks do (its own
# pairs' units beside the peers'), and the receiving blocks (from the grid's last warp down) sent
# lines too.
import sys
p = sys.argv[1]
s = open(p).read()
def rep(a, b):
    global s
    assert s.count(a) == 1, a
    s = s.replace(a, b, 1)
rep('''  for (int unit = warp_id; unit < units_out; unit += warps) {
    const int row = layout.line_groups_divisor.Quotient(unit);''',
    '''  const int send_warp = (threadIdx.x / kWarpSize) * gridDim.x + blockIdx.x;
  for (int unit = send_warp; unit < units_out; unit += warps) {
    const int row = layout.line_groups_divisor.Quotient(unit);''')
open(p, 'w').write(s)
