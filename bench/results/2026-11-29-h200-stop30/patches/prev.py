# Stop 30: the combine's rows and partial sums by block as before 'group_warp' (block-major).
import sys
path = sys.argv[1]
s = open(path).read()
a = '  const int group_warp = warp * group_blocks + group_block;\n'
assert s.count(a) == 1
s = s.replace(a, '  const int group_warp = group_block * kWarpsPerBlock + warp;\n')
open(path, 'w').write(s)
