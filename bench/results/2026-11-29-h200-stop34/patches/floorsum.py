# Probe (not landed): the lines' floor's leg 1 (the combine's) received as a2a_ll's line sum:
# every 8 rows received (all sources in rank order) taken as one token's 8 pairs, (token, four
# lines) per warp from the grid's last warp down, the 8 lines awaited at once (AwaitLineParts),
# summed by 8 weights loaded beside them, and one line stored. The benchmark's check skips leg 1
# (its rows are sums now). Apply after floorself.py, so that every pair is summed as in a2a_ll.
# PROBE_N (8): the lines awaited at once, in 8 / PROBE_N rounds (a2a_ll: kLineSumLoads).
import os, sys
p, b = sys.argv[1], sys.argv[2]
N = os.environ.get('PROBE_N', '8')
s = open(p).read()
def rep(a, c):
    global s
    assert s.count(a) == 1, a
    s = s.replace(a, c, 1)
rep('''  __syncwarp();
  for (int unit = warps - 1 - warp_id; unit < units_in; unit += warps) {''', '''  if (p.leg == 1) {
    const int total_rows = units_in / line_groups;
    const int sum_units = (total_rows + 7) / 8 * line_groups;
    const float* probe_weights = reinterpret_cast<const float*>(p.x);
    __syncwarp();
    for (int unit = warps - 1 - warp_id; unit < sum_units; unit += warps) {
      const int token = layout.line_groups_divisor.Quotient(unit);
      const int line = (unit - token * line_groups) * lines::kLinesPerWarp + line_group;
      float sum[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      bool arrived = true;
      for (int k0 = 0; k0 < 8 && arrived; k0 += PROBE_N) {
        const uint64_t* at[PROBE_N];
        float weight[PROBE_N];
        uint64_t low[PROBE_N], high[PROBE_N];
#pragma unroll
        for (int u = 0; u < PROBE_N; ++u) {
          const int r = token * 8 + k0 + u;
          int source = 0, source_row = 0;
          FloorRow(p.rows_from, world, c.rank, r, &source, &source_row);
          weight[u] = __ldg(probe_weights + r % (p.x_rows * 8));
          low[u] = high[u] = 0;
          at[u] = r < total_rows && line < lines_per_row
                      ? reinterpret_cast<const uint64_t*>(
                            local_base + layout.DispatchLine(1, source_row / line_rows, source,
                                                             source_row % line_rows, line)) +
                            2 * part
                      : nullptr;
        }
        arrived = AwaitLineParts(
            c, at, want, [&](int) { return 0; }, [](int) -> const uint64_t* { return nullptr; },
            [] { return ~0u; }, unit, low, high);
#pragma unroll
        for (int u = 0; u < PROBE_N; ++u) {
          if (at[u] != nullptr) {
            AddWeighted(low[u], part == lines::kTagLane ? 0 : high[u], weight[u], sum);
          }
        }
      }
      if (!arrived || line >= lines_per_row) continue;
      uint64_t packed[2];
      __nv_bfloat162* out_pairs = reinterpret_cast<__nv_bfloat162*>(packed);
#pragma unroll
      for (int j = 0; j < 4; ++j)
        out_pairs[j] = __floats2bfloat162_rn(sum[2 * j], sum[2 * j + 1]);
      StoreRowPart(local_base + layout.RecvRow(token / line_rows, c.rank, token % line_rows),
                   row_bytes, line, part, packed[0], packed[1]);
    }
    return;
  }
  __syncwarp();
  for (int unit = warps - 1 - warp_id; unit < units_in; unit += warps) {''')
s = s.replace('PROBE_N', N)
open(p, 'w').write(s)
s = open(b).read()
rep('''        cudaMemcpy(rows.data(), a2a.recv_rows(), region, cudaMemcpyDeviceToHost));
    for (int source = 0; source < s.world; ++source) {''', '''        cudaMemcpy(rows.data(), a2a.recv_rows(), region, cudaMemcpyDeviceToHost));
    if (leg == 1) continue;
    for (int source = 0; source < s.world; ++source) {''')
open(b, 'w').write(s)
