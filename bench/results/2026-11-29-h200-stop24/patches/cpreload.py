# Variant "cpreload": the combine loads its first unit's rows of expert_out before its barrier, as
# soon as the list's entries are in, and each later iteration's with the entries; the line loop
# then starts with stores.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""  load_entries(warp_id);
  __syncthreads();
""", """  load_entries(warp_id);
  const int lines_per_row_early = layout.lines_per_row();
  const char* expert_out_early = reinterpret_cast<const char*>(p.expert_out);
  const size_t row_bytes_early = layout.row_bytes();
  uint64_t low[kLineUnroll], high[kLineUnroll];
  const auto load_rows = [&](int base) {
#pragma unroll
    for (int u = 0; u < kLineUnroll; ++u) {
      const int line =
          layout.line_groups_divisor.Remainder(base + u * warps) * lines::kLinesPerWarp +
          line_group;
      if (listed(base, u) && entry[u].w >= 0 && line < lines_per_row_early) {
        LoadRowPart(expert_out_early + static_cast<size_t>(entry[u].y) * row_bytes_early,
                    row_bytes_early, line, part, &low[u], &high[u]);
      }
    }
  };
  load_rows(warp_id);
  __syncthreads();
""")
sub("""  for (int base = warp_id; any_sends_lines && !expired && listed(base, 0);) {
    uint64_t low[kLineUnroll], high[kLineUnroll];
#pragma unroll
    for (int u = 0; u < kLineUnroll; ++u) {
      const int line =
          layout.line_groups_divisor.Remainder(base + u * warps) * lines::kLinesPerWarp +
          line_group;
      if (listed(base, u) && entry[u].w >= 0 && line < lines_per_row) {
        LoadRowPart(expert_out + static_cast<size_t>(entry[u].y) * row_bytes, row_bytes, line, part,
                    &low[u], &high[u]);
      }
    }
#pragma unroll""", """  for (int base = warp_id; any_sends_lines && !expired && listed(base, 0);) {
#pragma unroll""")
sub("""    base += warps * kLineUnroll;
    load_entries(base);
  }
""", """    base += warps * kLineUnroll;
    load_entries(base);
    load_rows(base);
  }
""")
open(path, "w").write(s)
