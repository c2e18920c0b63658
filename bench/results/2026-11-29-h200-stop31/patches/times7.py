# Stop 31 probe (after times.py, times2.py, times3.py, times4.py): P13 after the dispatch's first
# barrier (thread 0's loads of the count, the deadline flag and the launch counter), so that the
# slot table's time splits into that wait and the table's pass; steps printed as medians over
# every block: D0->P13, P13->D1.
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
patch('''    own_listed = 0;
  }
  __syncthreads();
''', '''    own_listed = 0;
  }
  __syncthreads();
  ProbeAt(13);
''')
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
          line += fmt::format(" | steps D0-P13 {:.2f} P13-D1 {:.2f} D1-D3 {:.2f}", all_median(0, 13),
                              all_median(13, 1), all_median(1, 3));''')
open(bench, 'w').write(s)
