# Stop 31 probe (after times.py ... times5.py): inside the unpack loop, P13 at the loop body's
# start, P14 after FindSegmentInWarp (as before), then a second FindSegmentInWarp on the same row
# (its result used, the same value) and P15 after it; steps printed as medians over the blocks that
# unpack: D4->P13, P13->P14, P14->P15.
import sys
path, bench = sys.argv[1], sys.argv[2]
s = open(path).read()
def patch(a, b, count=1):
    global s
    assert s.count(a) == count, (s.count(a), a)
    s = s.replace(a, b)
patch('''  ProbeAt(13);
  // Sources that spread their rows''', '''  // Sources that spread their rows''')
patch('''  ProbeAt(15);
  // Sources that send lines: (row, four lines)''', '''  // Sources that send lines: (row, four lines)''')
patch('''    const int row = layout.line_groups_divisor.Quotient(unit);
    const int line = (unit - row * line_groups) * lines::kLinesPerWarp + line_group;
    const int i = FindSegmentInWarp(lines_in, blocks_in, row, kRowsMask);
    ProbeAt(14);''', '''    ProbeAt(13);
    const int row = layout.line_groups_divisor.Quotient(unit);
    const int line = (unit - row * line_groups) * lines::kLinesPerWarp + line_group;
    const int i_first = FindSegmentInWarp(lines_in, blocks_in, row, kRowsMask);
    ProbeAt(14);
    const int i = min(i_first, FindSegmentInWarp(lines_in, blocks_in, row + (i_first < 0 ? 1 : 0), kRowsMask));
    ProbeAt(15);''')
open(path, 'w').write(s)
s = open(bench).read()
patch('''          line += fmt::format(" | steps D1-D3 {:.2f} D3-P13 {:.2f} P13-P15 {:.2f} P15-D4 {:.2f} D4-P14 {:.2f} P14-D6 {:.2f} D6-D7 {:.2f} D7-D5 {:.2f}",
                              all_median(1, 3), all_median(3, 13), all_median(13, 15), all_median(15, 4),
                              median_of(4, 14), median_of(14, 6), median_of(6, 7), median_of(7, 5));''', '''          line += fmt::format(" | steps D1-D3 {:.2f} D3-D4 {:.2f} D4-P13 {:.2f} P13-P14 {:.2f} P14-P15 {:.2f} P15-D6 {:.2f} D6-D7 {:.2f} D7-D5 {:.2f}",
                              all_median(1, 3), all_median(3, 4), median_of(4, 13), median_of(13, 14),
                              median_of(14, 15), median_of(15, 6), median_of(6, 7), median_of(7, 5));''')
open(bench, 'w').write(s)
