# Stop 29: the benchmark's a2a_ll_dedup instances with rank_dedup_rows 0 (raised to line_rows): every
# source on the row path sends rows once per rank, as stop 18 measured the thresholds. Bench only.
import sys
bench = sys.argv[2]
s = open(bench).read()
a = 'dedup_options.rank_dedup_rows = kA2aLlRankDedupRowsAuto;'
assert s.count(a) == 2, s.count(a)
open(bench, 'w').write(s.replace(a, 'dedup_options.rank_dedup_rows = 0;'))
