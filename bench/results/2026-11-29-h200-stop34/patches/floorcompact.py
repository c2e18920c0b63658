# Probe (not landed): the lines' floor's sends four units a warp (loaded together, then stored),
# on the grid's first warps only, as a2a_ll's dispatch would with compact.py.
import sys
p = sys.argv[1]
s = open(p).read()
def rep(a, b):
    global s
    assert s.count(a) == 1, a
    s = s.replace(a, b, 1)
rep('''  for (int unit = warp_id; unit < units_out; unit += warps) {
    const int row = layout.line_groups_divisor.Quotient(unit);
    const int line = (unit - row * line_groups) * lines::kLinesPerWarp + line_group;
    int peer = 0, peer_row = 0;
    FloorRow(p.rows_to, world, c.rank, row, &peer, &peer_row);
    uint64_t low = 0, high = 0;
    if (line < lines_per_row) {
      LoadRowPart(p.x + static_cast<size_t>(peer_row % p.x_rows) * row_bytes, row_bytes, line, part,
                  &low, &high);
      if (part == lines::kTagLane) high = FlagWord(epoch, c.layer, peer_row);
      lines::StoreLinePart(
          reinterpret_cast<uint64_t*>(c.peers[peer] +
                                      layout.DispatchLine(p.leg, peer_row / line_rows, c.rank,
                                                          peer_row % line_rows, line)) +
              2 * part,
          low, high);
    }
  }''', '''  for (int base = warp_id * 4; base < units_out; base += warps * 4) {
    uint64_t low[4], high[4];
#pragma unroll
    for (int u = 0; u < 4; ++u) {
      const int unit = base + u;
      const int row = layout.line_groups_divisor.Quotient(unit);
      const int line = (unit - row * line_groups) * lines::kLinesPerWarp + line_group;
      int peer = 0, peer_row = 0;
      FloorRow(p.rows_to, world, c.rank, row, &peer, &peer_row);
      low[u] = high[u] = 0;
      if (unit < units_out && line < lines_per_row) {
        LoadRowPart(p.x + static_cast<size_t>(peer_row % p.x_rows) * row_bytes, row_bytes, line,
                    part, &low[u], &high[u]);
      }
    }
#pragma unroll
    for (int u = 0; u < 4; ++u) {
      const int unit = base + u;
      const int row = layout.line_groups_divisor.Quotient(unit);
      const int line = (unit - row * line_groups) * lines::kLinesPerWarp + line_group;
      int peer = 0, peer_row = 0;
      FloorRow(p.rows_to, world, c.rank, row, &peer, &peer_row);
      if (unit >= units_out || line >= lines_per_row) continue;
      if (part == lines::kTagLane) high[u] = FlagWord(epoch, c.layer, peer_row);
      lines::StoreLinePart(
          reinterpret_cast<uint64_t*>(c.peers[peer] +
                                      layout.DispatchLine(p.leg, peer_row / line_rows, c.rank,
                                                          peer_row % line_rows, line)) +
              2 * part,
          low[u], high[u]);
    }
  }''')
open(p, 'w').write(s)
