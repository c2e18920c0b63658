# Stop 31 probe (after times.py): two more dispatch points in the unpack of lines, thread 0's
# warp, its last unit: D6 before AwaitLineParts, D7 after it; every point printed as
# p0/p50/p90/p100 over blocks.
import sys
path, bench = sys.argv[1], sys.argv[2]
s = open(path).read()
def patch(a, b, count=1):
    global s
    assert s.count(a) == count, (s.count(a), a)
    s = s.replace(a, b)
patch('''    uint64_t low[1] = {0}, high[1] = {0};
    if (!AwaitLineParts(''', '''    uint64_t low[1] = {0}, high[1] = {0};
    ProbeAt(6);
    const bool landed_probe = AwaitLineParts(''')
patch('''            [](int) -> const uint64_t* { return nullptr; }, [] { return ~0u; }, unit, low, high) ||
        at[0] == nullptr) {
      continue;
    }
    StoreRowPart(local_base''', '''            [](int) -> const uint64_t* { return nullptr; }, [] { return ~0u; }, unit, low, high);
    ProbeAt(7);
    if (!landed_probe || at[0] == nullptr) {
      continue;
    }
    StoreRowPart(local_base''')
open(path, 'w').write(s)
s = open(bench).read()
patch('''        for (int point = first; point < first + 5 + kernel * 0 + (kernel == 0 ? 1 : 0); ++point) {
          unsigned long long lo = ~0ull, hi = 0;
          for (int b = 0; b < blocks; ++b) {
            if (t[point][b] < origin) continue;
            lo = std::min(lo, t[point][b]);
            hi = std::max(hi, t[point][b]);
          }
          if (hi == 0) continue;
          line += fmt::format(" {}{} {:.2f}..{:.2f}", kernel == 0 ? 'D' : 'C', point - first,
                              (lo - origin) * 1e-3, (hi - origin) * 1e-3);
        }''', '''        for (int point = first; point < first + (kernel == 0 ? 8 : 5); ++point) {
          std::vector<unsigned long long> v;
          for (int b = 0; b < blocks; ++b) {
            if (t[point][b] < origin) continue;
            v.push_back(t[point][b] - origin);
          }
          if (v.empty()) continue;
          std::sort(v.begin(), v.end());
          const auto at = [&](double q) { return v[static_cast<size_t>(q * (v.size() - 1))] * 1e-3; };
          line += fmt::format(" {}{}[{}] {:.2f}/{:.2f}/{:.2f}/{:.2f}", kernel == 0 ? 'D' : 'C',
                              point - first, v.size(), at(0), at(0.5), at(0.9), at(1));
        }''')
open(bench, 'w').write(s)
