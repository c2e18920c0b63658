# Folder 5's lu8: 6fdc975's lines-back loop with eight (row, four lines) units in flight per warp
# instead of kLineUnroll (4).
p = '/work/main/ep_backend/src/a2a_ll.cu'
s = open(p).read()
a = """    for (int group = 0; group < line_groups; group += kLineUnroll) {
      uint64_t low_part[kLineUnroll], high_part[kLineUnroll];
#pragma unroll
      for (int u = 0; u < kLineUnroll; ++u) {"""
assert s.count(a) == 1
s = s.replace(a, """    for (int group = 0; group < line_groups; group += 2 * kLineUnroll) {
      uint64_t low_part[2 * kLineUnroll], high_part[2 * kLineUnroll];
#pragma unroll
      for (int u = 0; u < 2 * kLineUnroll; ++u) {""")
a = """#pragma unroll
      for (int u = 0; u < kLineUnroll; ++u) {
        const int line = (group + u) * lines::kLinesPerWarp + line_group;
        if (line >= lines_per_row) continue;"""
assert s.count(a) == 1
s = s.replace(a, """#pragma unroll
      for (int u = 0; u < 2 * kLineUnroll; ++u) {
        const int line = (group + u) * lines::kLinesPerWarp + line_group;
        if (line >= lines_per_row) continue;""")
open(p, 'w').write(s)
