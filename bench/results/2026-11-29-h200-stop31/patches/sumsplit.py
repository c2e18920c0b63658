# Stop 31 variant: the combine's line sends leave out the grid's last warps, which sum the lines
# back at small counts (p.rows x line_groups of them, at most a quarter of the grid, when the
# launch's rows take lines back), so that no summing warp's first poll waits for its own line
# stores to drain (Note [Loads ahead of stores]).
import sys
path, bench = sys.argv[1], sys.argv[2]
s = open(path).read()
def patch(a, b, count=1):
    global s
    assert s.count(a) == count, (s.count(a), a)
    s = s.replace(a, b)
patch('''  const int lines_per_row = layout.lines_per_row();
  const int line_groups = layout.line_groups();
  // The entries of the list''', '''  const int lines_per_row = layout.lines_per_row();
  const int line_groups = layout.line_groups();
  const int send_warps =
      warps - (p.rows <= layout.shape.return_line_rows ? min(p.rows * line_groups, warps / 4) : 0);
  // The entries of the list''')
patch('''      const int row = layout.line_groups_divisor.Quotient(base + u * warps);''',
      '''      const int row = layout.line_groups_divisor.Quotient(base + u * send_warps);''')
patch('''    return layout.line_groups_divisor.Quotient(base + u * warps) < listed_rows &&''',
      '''    return layout.line_groups_divisor.Quotient(base + u * send_warps) < listed_rows &&''')
patch('''          layout.line_groups_divisor.Remainder(base + u * warps) * lines::kLinesPerWarp +''',
      '''          layout.line_groups_divisor.Remainder(base + u * send_warps) * lines::kLinesPerWarp +''')
patch('''      const int unit = base + u * warps;
      const int line =
          layout.line_groups_divisor.Remainder(unit) * lines::kLinesPerWarp + line_group;
      if (!listed(base, u) || line >= lines_per_row) continue;''', '''      const int unit = base + u * send_warps;
      const int line =
          layout.line_groups_divisor.Remainder(unit) * lines::kLinesPerWarp + line_group;
      if (!listed(base, u) || line >= lines_per_row) continue;''')
patch('''    base += warps * kLineUnroll;''', '''    base += send_warps * kLineUnroll;''')
patch('''  for (int base = warp_id; any_sends_lines && !expired && listed(base, 0);) {''',
      '''  for (int base = warp_id; warp_id < send_warps && any_sends_lines && !expired && listed(base, 0);) {''')
open(path, 'w').write(s)
