# Probe (not landed): the line sum's split capped at PROBE_SPLIT (env) warps a unit (kMaxSumSplit).
import os, sys
p = sys.argv[1]
s = open(p).read()
a = 'constexpr int kMaxSumSplit = 8;'
assert s.count(a) == 1
s = s.replace(a, 'constexpr int kMaxSumSplit = %s;' % os.environ['PROBE_SPLIT'])
open(p, 'w').write(s)
