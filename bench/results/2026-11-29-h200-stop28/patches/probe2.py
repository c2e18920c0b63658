# Stop 28: subtractive probes of one copy per pair at fdfa47d (timing only: results are wrong, so
# the benchmark's check is ignored). argv[1] a2a_ll.cu, argv[2] the bench; the probes ('+'-joined)
# in $PROBE, e.g.
#   PROBE=nodcopy+nosum bash bench/results/2026-11-29-h200-stop26/patches/build-variants.sh \
#     all=bench/results/2026-11-29-h200-stop28/patches/probe2.py
import os, sys
cu, bench = sys.argv[1], sys.argv[2]
def patch(path, a, b):
    s = open(path).read()
    assert s.count(a) == 1, (path, s.count(a), a)
    open(path, 'w').write(s.replace(a, b))
PATCHES = {
    # the dispatch's spread copies (rows <= 128)
    'nodcopy': ('''      if (copy_from < 0) {
        CopyRow(p.x''', '''      if (copy_from < 0 && rows < 0) {
        CopyRow(p.x'''),
    # the combine's rows back
    'nocsend': ('const int total = expired || peer_sends_lines || partial_sums ? 0 : prefix[local_experts];',
                'const int total = 0;'),
    # the source's final sum
    'nosum': ('const size_t items = static_cast<size_t>(rows) * words;', 'const size_t items = 0;'),
}
patch(bench, 'PADGRAPH_RETURN_IF_ERROR(CheckA2aLl(s, A2aLlOf(s, backend, sms), routing, rows));',
      '(void)CheckA2aLl(s, A2aLlOf(s, backend, sms), routing, rows);')
for v in os.environ["PROBE"].split('+'):
    patch(cu, *PATCHES[v])
