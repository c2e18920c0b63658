# Subtractive probes of rank_dedup (timing only: results may be wrong, so the bench's check is
# ignored). Usage: probe7.py VARIANT[+VARIANT...]
import sys
cu = '/work/main/ep_backend/src/a2a_ll.cu'
bench = '/work/main/bench/dispatch_combine_bench.cc'
def patch(path, a, b):
    s = open(path).read()
    assert s.count(a) == 1, (path, s.count(a), a)
    open(path, 'w').write(s.replace(a, b))
PATCHES = {
    'nofan': ('      CopyRow<true>(', '      if (rows < 0) CopyRow<true>('),
    'nofanloop': ('layout.shape.rank_dedup && !expired && item < wait_words;',
                  'rows < 0 && item < wait_words;'),
    'noscan': ('  int slot = 0;\n  for (int t0 = 0; t0 < token; t0 += kWarpSize) {',
               '  int slot = 0;\n  for (int t0 = 0; t0 < 0; t0 += kWarpSize) {'),
}
for v in sys.argv[1].split('+'):
    patch(cu, *PATCHES[v])
patch(bench, 'PADGRAPH_RETURN_IF_ERROR(CheckA2aLl(s, A2aLlOf(s, backend, sms), routing, rows));',
      '(void)CheckA2aLl(s, A2aLlOf(s, backend, sms), routing, rows);')
