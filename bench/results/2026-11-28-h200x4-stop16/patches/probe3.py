# Lines back: the 1-8 row cost. ls4: the line sum back to four lines a round; noinl: the line
# stores of one row out of line. Usage: probe3.py VARIANT[+VARIANT...]
import sys
cu = '/work/main/ep_backend/src/a2a_ll.cu'
def patch(path, a, b):
    s = open(path).read()
    assert s.count(a) == 1, (path, s.count(a), a)
    open(path, 'w').write(s.replace(a, b))
LOOP = '''    __syncwarp();
    for (int group = 0; group < line_groups; group += kLineUnroll) {
      uint64_t low_part[kLineUnroll], high_part[kLineUnroll];
#pragma unroll
      for (int u = 0; u < kLineUnroll; ++u) {
        const int line = (group + u) * lines::kLinesPerWarp + line_group;
        if (line < lines_per_row) {
          LoadRowPart(expert_out + held * row_bytes, row_bytes, line, part, &low_part[u],
                      &high_part[u]);
        }
      }
#pragma unroll
      for (int u = 0; u < kLineUnroll; ++u) {
        const int line = (group + u) * lines::kLinesPerWarp + line_group;
        if (line >= lines_per_row) continue;
        if (part == lines::kTagLane) high_part[u] = FlagWord(epoch, c.layer, 0);
        Jitter(c.jitter_max_ns, (row * 131u + line) * 613u + part);
        lines::StoreLinePart(reinterpret_cast<uint64_t*>(
                                 peer_window + layout.CombineLine(buffer, OriginToken(origin),
                                                                  OriginK(origin), line)) +
                                 2 * part,
                             low_part[u], high_part[u]);
      }
    }
'''
FUNC = '''// Note [Lines back]: one row as lines into `window`'s combine_lines at its origin, by one warp.
// Out of line, so that the combine's other paths keep their registers.
__device__ __noinline__ void StoreRowAsLines(const KernelCommon& c, const char* row, char* window,
                                             int buffer, uint32_t epoch, int32_t origin,
                                             uint32_t salt) {
  const A2aLlLayout& layout = c.layout;
  const int lane = threadIdx.x % kWarpSize;
  const int line_group = lane / lines::kLanesPerLine;
  const int part = lane % lines::kLanesPerLine;
  const size_t row_bytes = layout.row_bytes();
  const int lines_per_row = layout.lines_per_row();
  const int line_groups = (lines_per_row + lines::kLinesPerWarp - 1) / lines::kLinesPerWarp;
  __syncwarp();
  for (int group = 0; group < line_groups; group += kLineUnroll) {
    uint64_t low_part[kLineUnroll], high_part[kLineUnroll];
#pragma unroll
    for (int u = 0; u < kLineUnroll; ++u) {
      const int line = (group + u) * lines::kLinesPerWarp + line_group;
      if (line < lines_per_row) LoadRowPart(row, row_bytes, line, part, &low_part[u], &high_part[u]);
    }
#pragma unroll
    for (int u = 0; u < kLineUnroll; ++u) {
      const int line = (group + u) * lines::kLinesPerWarp + line_group;
      if (line >= lines_per_row) continue;
      if (part == lines::kTagLane) high_part[u] = FlagWord(epoch, c.layer, 0);
      Jitter(c.jitter_max_ns, (salt * 131u + line) * 613u + part);
      lines::StoreLinePart(
          reinterpret_cast<uint64_t*>(
              window + layout.CombineLine(buffer, OriginToken(origin), OriginK(origin), line)) +
              2 * part,
          low_part[u], high_part[u]);
    }
  }
}

// Note [Combine] and Note [Lines for small counts].
'''
variants = sys.argv[1].split('+')
for v in variants:
    if v == 'ls4':
        patch(cu, 'constexpr int kLineSumLoads = 8;', 'constexpr int kLineSumLoads = 4;')
    elif v == 'noinl':
        patch(cu, LOOP, '''    StoreRowAsLines(c, expert_out + held * row_bytes, peer_window, buffer, epoch, origin, row);
''')
        patch(cu, '// Note [Combine] and Note [Lines for small counts].\n', FUNC)
    else:
        raise SystemExit(v)
