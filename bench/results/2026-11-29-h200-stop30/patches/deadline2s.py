# Stop 30 probe (benchmark only): the benchmark's wait budget 2 s instead of 30, so that a case
# that hangs costs 2 s.
import sys
bench = sys.argv[2]
s = open(bench).read()
a = 'Deadline::Create(absl::Seconds(30))'
assert s.count(a) == 1
s = s.replace(a, 'Deadline::Create(absl::Seconds(2))')
open(bench, 'w').write(s)
