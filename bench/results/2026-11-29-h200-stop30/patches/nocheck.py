# Stop 30 probe (benchmark only): the float64 check's result ignored, for probes that leave
# copies out on purpose (their figures time what is left, nothing more).
import sys
bench = sys.argv[2]
s = open(bench).read()
a = '      PADGRAPH_RETURN_IF_ERROR(CheckA2aLl(s, A2aLlOf(s, backend, sms), routing, rows));\n'
assert s.count(a) == 1
s = s.replace(a, '      (void)CheckA2aLl(s, A2aLlOf(s, backend, sms), routing, rows);\n')
open(bench, 'w').write(s)
