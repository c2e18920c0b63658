# Variant "lgload": the lines' sends (the dispatch's from x, the combine's from its list) load each
# warp unit's four lines of payload as 16-byte words, one per lane, contiguous (480 bytes: 30 lanes),
# and shuffle each lane its part, instead of two strided 8-byte loads per lane (which touch each
# sector twice). "lgcomb" (VARIANT file /tmp/lg_mode = comb): the combine's only.
import sys
path = sys.argv[1]
mode = open("/tmp/lg_mode").read().strip()
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""__device__ __forceinline__ void StoreRowPart(char* row, size_t row_bytes, int line, int part,""",
"""__device__ __forceinline__ void LoadLineGroup(const char* row, size_t row_bytes, int first_line,
                                              bool active, uint64_t* low, uint64_t* high) {
  const int lane = threadIdx.x % kWarpSize;
  constexpr int kWords = lines::kLinesPerWarp * kA2aLlLinePayloadBytes / 16;
  const size_t at = static_cast<size_t>(first_line) * kA2aLlLinePayloadBytes + lane * 16;
  uint64_t lo = 0, hi = 0;
  if (active && lane < kWords && at < row_bytes) {
    const uint4 v = __ldg(reinterpret_cast<const uint4*>(row + at));
    lo = static_cast<uint64_t>(v.y) << 32 | v.x;
    hi = static_cast<uint64_t>(v.w) << 32 | v.z;
  }
  const int j = lane / lines::kLanesPerLine, part = lane % lines::kLanesPerLine;
  const int half = (j * kA2aLlLinePayloadBytes + part * 16) / 8;
  const int w = half / 2;
  const uint64_t a = __shfl_sync(0xffffffffu, lo, w);
  const uint64_t b = __shfl_sync(0xffffffffu, hi, w);
  const uint64_t c = __shfl_sync(0xffffffffu, lo, min(w + 1, kWarpSize - 1));
  const bool even = (half & 1) == 0;
  *low = even ? a : b;
  *high = part == lines::kTagLane ? 0 : even ? b : c;
}
__device__ __forceinline__ void StoreRowPart(char* row, size_t row_bytes, int line, int part,""")
if mode != "comb":
    sub("""        const int line = (unit - pair * line_groups) * lines::kLinesPerWarp + line_group;
        if (unit < units && pair_expert[pair] >= 0 && line < lines_per_row) {
          LoadRowPart(x + static_cast<size_t>(layout.top_k_divisor.Quotient(pair)) * row_bytes,
                      row_bytes, line, part, &low[u], &high[u]);
        }""", """        const bool active = unit < units && pair_expert[pair] >= 0;
        LoadLineGroup(x + static_cast<size_t>(layout.top_k_divisor.Quotient(active ? pair : 0)) *
                              row_bytes,
                      row_bytes, (unit - pair * line_groups) * lines::kLinesPerWarp, active, &low[u],
                      &high[u]);""")
sub("""      const int line =
          layout.line_groups_divisor.Remainder(base + u * warps) * lines::kLinesPerWarp +
          line_group;
      if (listed(base, u) && line < lines_per_row) {
        LoadRowPart(expert_out + static_cast<size_t>(entry[u].y) * row_bytes, row_bytes, line, part,
                    &low[u], &high[u]);
      }""", """      const bool active = listed(base, u);
      LoadLineGroup(expert_out + static_cast<size_t>(active ? entry[u].y : 0) * row_bytes, row_bytes,
                    layout.line_groups_divisor.Remainder(base + u * warps) * lines::kLinesPerWarp,
                    active, &low[u], &high[u]);""")
open(path, "w").write(s)
