# Stop 31 probe (after times.py, times2.py, times3.py, times4.py): between D3 (the words'
# barrier) and D4 (the scan done): P13 moves to after the loop over the row path's words (skipped
# by sources that send lines), P15 after the loop over spread blocks' words; steps printed as
# medians over every block: D3->P13, P13->P15, P15->D4.
import sys
path, bench = sys.argv[1], sys.argv[2]
s = open(path).read()
def patch(a, b, count=1):
    global s
    assert s.count(a) == count, (s.count(a), a)
    s = s.replace(a, b)
patch('''  ProbeAt(4);
  ProbeAt(13);
''', '''  ProbeAt(4);
''')
patch('''  // Sources that spread their rows: every block's word addressed to this rank (the sources' grids''',
      '''  ProbeAt(13);
  // Sources that spread their rows: every block's word addressed to this rank (the sources' grids''')
patch('''  // Sources that send lines: (row, four lines) per warp, unpacked into recv_rows, and listed after''',
      '''  ProbeAt(15);
  // Sources that send lines: (row, four lines) per warp, unpacked into recv_rows, and listed after''')
open(path, 'w').write(s)
s = open(bench).read()
patch('''          line += fmt::format(" | steps D4-P13 {:.2f} D4-P14 {:.2f} P14-D6 {:.2f} D6-D7 {:.2f} D7-D5 {:.2f}",
                              median_of(4, 13), median_of(4, 14), median_of(14, 6), median_of(6, 7),
                              median_of(7, 5));''', '''          const auto all_median = [&](int from, int to) {
            std::vector<long long> d;
            for (int b = 0; b < blocks; ++b) {
              if (t[from][b] < origin || t[to][b] < origin) continue;
              d.push_back(static_cast<long long>(t[to][b]) - static_cast<long long>(t[from][b]));
            }
            if (d.empty()) return -1.0;
            std::sort(d.begin(), d.end());
            return d[d.size() / 2] * 1e-3;
          };
          line += fmt::format(" | steps D1-D3 {:.2f} D3-P13 {:.2f} P13-P15 {:.2f} P15-D4 {:.2f} D4-P14 {:.2f} P14-D6 {:.2f} D6-D7 {:.2f} D7-D5 {:.2f}",
                              all_median(1, 3), all_median(3, 13), all_median(13, 15), all_median(15, 4),
                              median_of(4, 14), median_of(14, 6), median_of(6, 7), median_of(7, 5));''')
open(bench, 'w').write(s)
