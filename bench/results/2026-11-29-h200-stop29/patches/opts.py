# Stop 29: the benchmark's a2a_ll options other than the defaults (benchmark only), by $OPTS or
# argv[3]: rl128 (return_line_rows 128 on every budget: lines back to 128 rows), lh (line_rows half
# the SM budget instead of a quarter), l8 (line_rows a quarter of the budget plus 8), r15
# (return_line_rows 1.5 x the budget), l8r15 (both).
import os, sys
variant = sys.argv[3] if len(sys.argv) > 3 else os.environ["OPTS"]
bench = sys.argv[2]
s = open(bench).read()
a = '  options.rank_dedup_rows = kA2aLlRankDedupOff;  // one copy per (token, expert) pair\n'
assert s.count(a) == 1
extra = {'rl128': '  options.return_line_rows = 128;\n', 'lh': '  options.line_rows = sms / 2;\n',
         'l8': '  options.line_rows = sms / 4 + 8;\n', 'r15': '  options.return_line_rows = sms * 3 / 2;\n',
         'l8r15': '  options.line_rows = sms / 4 + 8;\n  options.return_line_rows = sms * 3 / 2;\n'}[variant]
open(bench, 'w').write(s.replace(a, a + extra))
