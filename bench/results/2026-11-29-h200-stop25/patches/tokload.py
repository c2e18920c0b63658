# Variant "tokload": the dispatch's line sends take (token, four lines) per warp, numbered
# warp-major over the grid: the token's lines load once and go to each of its pairs (up to top_k
# stores), instead of (pair, four lines) per warp loading the token's row once per pair.
import sys
path = sys.argv[1]
s = open(path).read()
start = s.index("""  if (lines_out && !expired) {
    // Lines: (pair, four lines) per warp""")
end = s.index("""  } else if (!lines_out) {
    // Note [Invalid ids]""")
new = """  if (lines_out && !expired) {
    // Lines: (token, four lines) per warp, numbered warp-major, loaded once and stored to each of
    // the token's pairs, from a converged warp (Note [Converged lines]).
    __syncwarp();
    const int units = rows * line_groups;
    const int spread_id = (threadIdx.x / kWarpSize) * gridDim.x + blockIdx.x;
    const char* x = reinterpret_cast<const char*>(p.x);
    for (int unit = spread_id; unit < units; unit += warps) {
      const int token = layout.line_groups_divisor.Quotient(unit);
      const int line = (unit - token * line_groups) * lines::kLinesPerWarp + line_group;
      uint64_t low = 0, high = 0;
      if (line < lines_per_row) {
        LoadRowPart(x + static_cast<size_t>(token) * row_bytes, row_bytes, line, part, &low, &high);
      }
      for (int k = 0; k < top_k; ++k) {
        const int expert = pair_expert[token * top_k + k];
        if (expert < 0 || line >= lines_per_row) continue;
        const int owner = layout.OwnerOf(expert);
        const int local_expert = layout.LocalExpertOf(expert);
        const int slot = slot_of(expert, token);
        const int32_t origin = PackOrigin(token, k);
        const bool first_part = line == 0 && part == 0;
        if (owner == c.rank) {
          StoreRowPart(local_base + layout.RecvRow(local_expert, owner, slot), row_bytes, line,
                       part, low, high);
          if (first_part) {
            *reinterpret_cast<int32_t*>(local_base + layout.RecvOrigin(local_expert, owner, slot)) =
                origin;
            self_bytes += row_bytes;
          }
        } else {
          const uint64_t tagged = part == lines::kTagLane ? FlagWord(epoch, c.layer, origin) : high;
          Jitter(c.jitter_max_ns, (unit * 8u + k) * 977u + part);
          lines::StoreLinePart(
              reinterpret_cast<uint64_t*>(
                  c.peers[owner] + layout.DispatchLine(buffer, local_expert, c.rank, slot, line)) +
                  2 * part,
              low, tagged);
          if (first_part) peer_bytes += row_bytes;
        }
      }
    }
"""
s = s[:start] + new + s[end:]
open(path, "w").write(s)
