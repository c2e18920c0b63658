# Variant "hoist": the lines instance loads each warp's first (pair, four lines) unit of x right
# after griddepcontrol.wait, beside the ids (a unit's token does not depend on them), and its line
# loop's first iteration uses it.
import sys
path = sys.argv[1]
whole = open(path).read()
cut = whole.index("// Note [Combine] and Note [Lines for small counts].")
s, rest = whole[:cut], whole[cut:]
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""    early_id = __ldg(p.topk_ids + pair_token * top_k + pair_k);
  }
""", """    early_id = __ldg(p.topk_ids + pair_token * top_k + pair_k);
  }
  uint64_t first_low = 0, first_high = 0;
  if constexpr (kSends == A2aLlSends::kLinesOneUnit) {
    const int unit = blockIdx.x * kWarpsPerBlock + threadIdx.x / kWarpSize;
    const int groups = layout.line_groups();
    const int pair = unit / groups;
    const int line =
        unit % groups * lines::kLinesPerWarp + threadIdx.x % kWarpSize / lines::kLanesPerLine;
    if (pair < p.rows * top_k && line < layout.lines_per_row()) {
      LoadRowPart(reinterpret_cast<const char*>(p.x) +
                      static_cast<size_t>(pair / top_k) * layout.row_bytes(),
                  layout.row_bytes(), line, threadIdx.x % lines::kLanesPerLine, &first_low,
                  &first_high);
    }
  }
""")
sub("""        if (unit < units && pair_expert[pair] >= 0 && line < lines_per_row) {
          LoadRowPart(x + static_cast<size_t>(pair / top_k) * row_bytes, row_bytes, line, part,
                      &low[u], &high[u]);
        }""", """        if (unit < units && pair_expert[pair] >= 0 && line < lines_per_row) {
          if (kSends == A2aLlSends::kLinesOneUnit && unit == warp_id) {
            low[u] = first_low;
            high[u] = first_high;
          } else {
            LoadRowPart(x + static_cast<size_t>(pair / top_k) * row_bytes, row_bytes, line, part,
                        &low[u], &high[u]);
          }
        }""")
open(path, 'w').write(s + rest)
