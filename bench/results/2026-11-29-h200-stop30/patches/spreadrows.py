# Stop 30 probe: the combine's rows held for a peer (and the partial sums of rows once per rank)
# spread over every block of the peer's group, warp-major, instead of filling its first blocks.
import sys
path = sys.argv[1]
s = open(path).read()
def patch(a, b, count=1):
    global s
    assert s.count(a) == count, (s.count(a), a)
    s = s.replace(a, b)
patch('''  int4 next = group_block * kWarpsPerBlock + warp < partial_units
                  ? __ldcg(first_rows + (group_block * kWarpsPerBlock + warp) / chunks)
                  : make_int4(0, 0, 0, 0);
  for (int unit = group_block * kWarpsPerBlock + warp; unit < partial_units;''',
'''  const int group_warp = warp * group_blocks + group_block;
  int4 next = group_warp < partial_units ? __ldcg(first_rows + group_warp / chunks)
                                         : make_int4(0, 0, 0, 0);
  for (int unit = group_warp; unit < partial_units;''')
patch('''  for (int row = group_block * kWarpsPerBlock + warp; row < total;''',
'''  for (int row = group_warp; row < total;''')
open(path, 'w').write(s)
