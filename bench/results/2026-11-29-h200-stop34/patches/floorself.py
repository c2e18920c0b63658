# Probe (not landed): the lines' floor with each rank's pairs for its own experts too, as lines to
# itself both ways (a2a_ll's combine sends them so; its dispatch stores them as rows), so that the
# floor moves every pair a2a_ll moves. The benchmark's counts include the own pairs.
import sys
p, b = sys.argv[1], sys.argv[2]
s = open(p).read()
def rep(a, c):
    global s
    assert s.count(a) == 1, a
    s = s.replace(a, c, 1)
rep('const int count = r == self ? 0 : rows[r];', 'const int count = rows[r];')
rep('units_out += r == c.rank ? 0 : p.rows_to[r] * line_groups;', 'units_out += p.rows_to[r] * line_groups;')
rep('units_in += r == c.rank ? 0 : p.rows_from[r] * line_groups;', 'units_in += p.rows_from[r] * line_groups;')
rep('const int most_here = r < world && r != s.rank ? most : 0;', 'const int most_here = r < world ? most : 0;')
open(p, 'w').write(s)
s = open(b).read()
rep('''      if (rank == owner) continue;
      if (rank == s.rank) ++s.pairs_to[owner];''', '''      if (rank == s.rank) ++s.pairs_to[owner];''')
open(b, 'w').write(s)
