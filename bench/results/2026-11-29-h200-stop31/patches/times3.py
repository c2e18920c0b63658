# Stop 31 probe (after times.py and times2.py): per block that unpacks, the steps of thread 0's
# warp from the scan's barrier to its end: P13 a second timer read right after D4 (the probe's
# own cost), P14 after FindSegmentInWarp; printed as medians over those blocks of D4->P13,
# D4->P14, P14->D6, D6->D7 (the wait for the lines), D7->D5.
import sys
path, bench = sys.argv[1], sys.argv[2]
s = open(path).read()
def patch(a, b, count=1):
    global s
    assert s.count(a) == count, (s.count(a), a)
    s = s.replace(a, b)
patch('''  BlockExclusiveScan(lines_in, blocks_in);
  ProbeAt(4);
''', '''  BlockExclusiveScan(lines_in, blocks_in);
  ProbeAt(4);
  ProbeAt(13);
''')
patch('''    const int i = FindSegmentInWarp(lines_in, blocks_in, row, kRowsMask);
    const int slot = row - (lines_in[i] & kRowsMask);''', '''    const int i = FindSegmentInWarp(lines_in, blocks_in, row, kRowsMask);
    ProbeAt(14);
    const int slot = row - (lines_in[i] & kRowsMask);''')
open(path, 'w').write(s)
s = open(bench).read()
patch('''        if (kernel == 0) {
          unsigned long long c0 = ~0ull;''', '''        if (kernel == 0) {
          const auto median_of = [&](int from, int to) {
            std::vector<long long> d;
            for (int b = 0; b < blocks; ++b) {
              if (t[6][b] < origin || t[from][b] < origin || t[to][b] < origin) continue;
              d.push_back(static_cast<long long>(t[to][b]) - static_cast<long long>(t[from][b]));
            }
            if (d.empty()) return -1.0;
            std::sort(d.begin(), d.end());
            return d[d.size() / 2] * 1e-3;
          };
          line += fmt::format(" | steps D4-P13 {:.2f} D4-P14 {:.2f} P14-D6 {:.2f} D6-D7 {:.2f} D7-D5 {:.2f}",
                              median_of(4, 13), median_of(4, 14), median_of(14, 6), median_of(6, 7),
                              median_of(7, 5));
          unsigned long long c0 = ~0ull;''')
open(bench, 'w').write(s)
