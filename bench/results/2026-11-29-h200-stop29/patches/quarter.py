# Stop 29: the benchmark's a2a_ll instances with line_rows a quarter of max_sms (the default before
# 2eb0dff), explicitly. Benchmark only.
import sys
bench = sys.argv[2]
s = open(bench).read()
a = '  options.rank_dedup_rows = kA2aLlRankDedupOff;  // one copy per (token, expert) pair\n'
assert s.count(a) == 1
open(bench, 'w').write(s.replace(a, a + '  options.line_rows = sms / 4;\n'))
