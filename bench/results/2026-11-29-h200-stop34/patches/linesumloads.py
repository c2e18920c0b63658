# Probe (not landed): a2a_ll's line sum awaiting PROBE_N (env) lines at once (kLineSumLoads, 8).
import os, sys
p = sys.argv[1]
s = open(p).read()
a = 'constexpr int kLineSumLoads = 8;'
assert s.count(a) == 1
s = s.replace(a, 'constexpr int kLineSumLoads = %s;' % os.environ['PROBE_N'])
open(p, 'w').write(s)
