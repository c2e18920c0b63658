# Probe (not landed): the lines' floor with a block barrier between its sends and its receive, as
# a2a_ll's dispatch has one (the count words' wait) between its line sends and its unpack.
import sys
p = sys.argv[1]
s = open(p).read()
def rep(a, b):
    global s
    assert s.count(a) == 1, a
    s = s.replace(a, b, 1)
rep('''  __syncwarp();
  for (int unit = warps - 1 - warp_id; unit < units_in; unit += warps) {''',
    '''  __syncthreads();
  for (int unit = warps - 1 - warp_id; unit < units_in; unit += warps) {''')
open(p, 'w').write(s)
