# Probe (not landed): a2a_ll's line sum one line per warp: a unit is (token, line); lane group g
# (lanes 8g..8g+7) awaits the line of pairs g, g + 4, g + 8, g + 12 (two at top-8) at once, sums
# them by weight, and the four groups' sums are added by two butterfly shuffles; group 0 stores
# the line. The same lines as today's (token, four lines) units, two loads per lane in place of
# eight, four times the units. No shared memory, no barrier.
import sys
p = sys.argv[1]
s = open(p).read()
begin = s.index('    const int units = rows * line_groups;\n    __syncwarp();  // Note [Converged lines]\n    for (int unit = warps - 1 - warp_id; unit < units; unit += warps) {\n      const int token = layout.line_groups_divisor.Quotient(unit);')
end_marker = '''      StoreRowPart(out + static_cast<size_t>(token) * row_bytes, row_bytes, line, part, packed[0],
                   packed[1]);
    }
'''
end = s.index(end_marker, begin) + len(end_marker)
new = '''    const int units = rows * lines_per_row;
    constexpr int kSubLoads = kA2aLlMaxTopK / lines::kLinesPerWarp;
    const int sub = line_group;
    __syncwarp();  // Note [Converged lines]
    for (int unit = warps - 1 - warp_id; unit < units; unit += warps) {
      const int token = unit / lines_per_row;
      const int line = unit - token * lines_per_row;
      const uint32_t valid = __ldcg(p.valid_pairs + token);
      float sum[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      float weight[kSubLoads];
      const uint64_t* at[kSubLoads];
      uint64_t low[kSubLoads], high[kSubLoads];
#pragma unroll
      for (int u = 0; u < kSubLoads; ++u) {
        const int k = sub + u * lines::kLinesPerWarp;
        weight[u] = k < top_k ? __ldg(p.weights + static_cast<size_t>(token) * top_k + k) : 0.0f;
        low[u] = high[u] = 0;
        at[u] = k < top_k ? reinterpret_cast<const uint64_t*>(
                                local_base + layout.CombineLine(buffer, token, k, line)) +
                                2 * part
                          : nullptr;
      }
      const auto owner_of = [&](int u) {
        const int32_t route =
            __ldcg(p.pair_routes + token * top_k + sub + u * lines::kLinesPerWarp);
        return route < 0 ? -1 - route : c.rank;
      };
      const auto poison_of = [&](int u) -> const uint64_t* {
        const int owner = owner_of(u);
        return owner != c.rank
                   ? reinterpret_cast<const uint64_t*>(local_base + layout.CombineFlag(owner, 0))
                   : nullptr;
      };
      const auto wanted = [&] {
        uint32_t mask = 0;
#pragma unroll
        for (int u = 0; u < kSubLoads; ++u)
          mask |= (valid >> (sub + u * lines::kLinesPerWarp) & 1u) << u;
        return mask;
      };
      const bool arrived = AwaitLineParts(c, at, want, owner_of, poison_of, wanted, unit, low, high);
#pragma unroll
      for (int u = 0; u < kSubLoads; ++u) {
        const int k = sub + u * lines::kLinesPerWarp;
        if (k < top_k && (valid >> k & 1u)) {
          AddWeighted(low[u], part == lines::kTagLane ? 0 : high[u], weight[u], sum);
        }
      }
#pragma unroll
      for (int j = 0; j < 8; ++j) {
        sum[j] += __shfl_xor_sync(kFullMask, sum[j], 8);
        sum[j] += __shfl_xor_sync(kFullMask, sum[j], 16);
      }
      if (!arrived || sub != 0) continue;
      uint64_t packed[2];
      __nv_bfloat162* out_pairs = reinterpret_cast<__nv_bfloat162*>(packed);
#pragma unroll
      for (int j = 0; j < 4; ++j)
        out_pairs[j] = __floats2bfloat162_rn(sum[2 * j], sum[2 * j + 1]);
      StoreRowPart(out + static_cast<size_t>(token) * row_bytes, row_bytes, line, part, packed[0],
                   packed[1]);
    }
'''
s = s[:begin] + new + s[end:]
open(p, 'w').write(s)
