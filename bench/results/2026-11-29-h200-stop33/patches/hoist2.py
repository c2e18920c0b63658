# Probe (not landed): stop 21's hoist.py on f842ee2's kernels, for NVLink: the lines-only dispatch
# loads each warp's first (pair, four lines) unit of x right after griddepcontrol.wait, beside the
# ids (a unit's token does not depend on them; rows up to the padded count, which the buffer holds),
# and its line loop's first iteration uses it.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new):
    global s
    assert s.count(old) == 1, old
    s = s.replace(old, new)
sub("""    early_id = __ldg(p.topk_ids + pair_token * top_k + pair_k);
  }
""", """    early_id = __ldg(p.topk_ids + pair_token * top_k + pair_k);
  }
  uint64_t first_low = 0, first_high = 0;
  if constexpr (kSends == A2aLlSends::kLinesOneUnit) {
    const int unit = blockIdx.x * kWarpsPerBlock + threadIdx.x / kWarpSize;
    const int groups = p.common.layout.line_groups();
    const int pair = p.common.layout.line_groups_divisor.Quotient(unit);
    const int line = (unit - pair * groups) * lines::kLinesPerWarp +
                     threadIdx.x % kWarpSize / lines::kLanesPerLine;
    if (pair < p.rows * top_k && line < p.common.layout.lines_per_row()) {
      LoadRowPart(reinterpret_cast<const char*>(p.x) +
                      static_cast<size_t>(p.common.layout.top_k_divisor.Quotient(pair)) *
                          p.common.layout.row_bytes(),
                  p.common.layout.row_bytes(), line, threadIdx.x % lines::kLanesPerLine,
                  &first_low, &first_high);
    }
  }
""")
sub("""        if (unit < units && pair_expert[pair] >= 0 && line < lines_per_row) {
          LoadRowPart(x + static_cast<size_t>(layout.top_k_divisor.Quotient(pair)) * row_bytes,
                      row_bytes, line, part, &low[u], &high[u]);
        }""", """        if (unit < units && pair_expert[pair] >= 0 && line < lines_per_row) {
          if (kSends == A2aLlSends::kLinesOneUnit && unit == warp_id) {
            low[u] = first_low;
            high[u] = first_high;
          } else {
            LoadRowPart(x + static_cast<size_t>(layout.top_k_divisor.Quotient(pair)) * row_bytes,
                        row_bytes, line, part, &low[u], &high[u]);
          }
        }""")
open(path, 'w').write(s)
