# Stop 30: the dispatch's spread rows in 2 units per row instead of 4 (kSpreadChunks).
import sys
path = sys.argv[1]
s = open(path).read()
a = 'constexpr int kSpreadChunks = 4;'
assert s.count(a) == 1
s = s.replace(a, 'constexpr int kSpreadChunks = 2;')
open(path, 'w').write(s)
