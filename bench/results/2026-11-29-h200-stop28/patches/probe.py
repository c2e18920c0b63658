# Stop 28: subtractive probes of rows once per rank at fe3de27 (timing only: results are wrong, so
# the benchmark's check is ignored). argv[1] a2a_ll.cu, argv[2] the bench; the probe is argv[3] or
# $PROBE (call 6 built each as NAME=p_NAME.py, a two-line wrapper that appended NAME to argv), e.g.
#   PROBE=nosum bash bench/results/2026-11-29-h200-stop26/patches/build-variants.sh \
#     nosum=bench/results/2026-11-29-h200-stop28/patches/probe.py
import os, sys
variant = sys.argv[3] if len(sys.argv) > 3 else os.environ["PROBE"]
cu, bench = sys.argv[1], sys.argv[2]
def patch(path, a, b):
    s = open(path).read()
    assert s.count(a) == 1, (path, s.count(a), a)
    open(path, 'w').write(s.replace(a, b))
PATCHES = {
    # the peer's copies of rows sent once (the dispatch's receive)
    'nocopies': ('        CopyRow<true>(', '        if (rows < 0) CopyRow<true>('),
    # the peer's partial sums in the combine
    'nopartial': ('const int partial_units = expired || !partial_sums ? 0 : first_count * chunks;',
                  'const int partial_units = 0;'),
    # the source's final sum
    'nosum': ('const size_t items = static_cast<size_t>(rows) * words;', 'const size_t items = 0;'),
}
patch(bench, 'PADGRAPH_RETURN_IF_ERROR(CheckA2aLl(s, A2aLlOf(s, backend, sms), routing, rows));',
      '(void)CheckA2aLl(s, A2aLlOf(s, backend, sms), routing, rows);')
patch(cu, *PATCHES[variant])
