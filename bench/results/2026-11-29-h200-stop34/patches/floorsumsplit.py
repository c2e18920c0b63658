# Probe (not landed): floorsum.py's sum split over PROBE_SPLIT (env) warps per (token, four lines):
# warp h awaits pairs [8 h / PROBE_SPLIT, 8 (h + 1) / PROBE_SPLIT) and stores its partial sum (to a
# row of its own; leg 1 is not checked). Build with PROBE_N = 8 / PROBE_SPLIT, after floorsum.py and
# floorsumspread.py: does the width of a warp's wait cost, at the same lines and warps' spread?
import os, sys
p = sys.argv[1]
split = os.environ['PROBE_SPLIT']
s = open(p).read()
def rep(a, b):
    global s
    assert s.count(a) == 1, a
    s = s.replace(a, b, 1)
rep('const int sum_units = (total_rows + 7) / 8 * line_groups;',
    'const int sum_units = (total_rows + 7) / 8 * line_groups * %s;' % split)
rep('''    for (int unit = warps - 1 - sum_warp; unit < sum_units; unit += warps) {
      const int token = layout.line_groups_divisor.Quotient(unit);
      const int line = (unit - token * line_groups) * lines::kLinesPerWarp + line_group;''',
    '''    for (int unit = warps - 1 - sum_warp; unit < sum_units; unit += warps) {
      const int half = unit %% %s;
      const int token_unit = unit / %s;
      const int token = layout.line_groups_divisor.Quotient(token_unit);
      const int line = (token_unit - token * line_groups) * lines::kLinesPerWarp + line_group;''' % (split, split))
import re
m = re.search(r'for \(int k0 = 0; k0 < 8 && arrived; k0 \+= (\d+)\)', s)
assert m
s = s[:m.start()] + 'for (int k0 = half * (8 / %s); k0 < (half + 1) * (8 / %s) && arrived; k0 += %s)' % (split, split, m.group(1)) + s[m.end():]
rep('StoreRowPart(local_base + layout.RecvRow(token / line_rows, c.rank, token % line_rows),',
    'StoreRowPart(local_base + layout.RecvRow((token * %s + half) / line_rows, c.rank, (token * %s + half) %% line_rows),' % (split, split))
open(p, 'w').write(s)
