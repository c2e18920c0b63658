# Probe (not landed): the lines' floor's leg 0 (the dispatch's) with a2a_ll's count words and
# receive: block 0 stores one word per (local expert, peer) at each peer, with the count of the
# rows that land there (the floor's placement: row r at local expert r / line_rows); each block
# waits for every word addressed to this rank (a thread per word), a barrier, BlockExclusiveScan,
# and each unit's row found by FindSegmentInWarp, as a2a_ll's receive does.
import sys
p = sys.argv[1]
s = open(p).read()
def rep(a, b):
    global s
    assert s.count(a) == 1, a
    s = s.replace(a, b, 1)
rep('''    units_in += r == c.rank ? 0 : p.rows_from[r] * line_groups;
  }
''', '''    units_in += r == c.rank ? 0 : p.rows_from[r] * line_groups;
  }
  __shared__ int probe_lines_in[kA2aLlMaxExperts + 1];
  const int probe_blocks_in = layout.local_experts * world;
  if (p.leg == 0 && blockIdx.x == 0) {
    for (int i = threadIdx.x; i < probe_blocks_in; i += blockDim.x) {
      const int le = layout.world_divisor.Quotient(i);
      const int r = i - le * world;
      if (r == c.rank) continue;
      const int count = min(max(p.rows_to[r] - le * line_rows, 0), line_rows);
      StoreRelaxedSys(
          reinterpret_cast<uint64_t*>(c.peers[r] + layout.LineCount(epoch & 1, le, c.rank)),
          FlagWord(epoch, c.layer, count));
    }
  }
''')
rep('''  __syncwarp();
  for (int unit = warps - 1 - warp_id; unit < units_in; unit += warps) {''', '''  if (p.leg == 0) {
    for (int i = threadIdx.x; i < probe_blocks_in; i += blockDim.x) {
      const int le = layout.world_divisor.Quotient(i);
      const int source = i - le * world;
      int count = 0;
      if (source != c.rank) {
        uint64_t word = 0;
        if (WaitForWord(c,
                        reinterpret_cast<const uint64_t*>(
                            local_base + layout.LineCount(epoch & 1, le, source)),
                        want, source, i, &word)) {
          count = FlagWordCount(word);
        }
      }
      probe_lines_in[i] = count;
    }
    __syncthreads();
    BlockExclusiveScan(probe_lines_in, probe_blocks_in);
    const int units = probe_lines_in[probe_blocks_in] * line_groups;
    __syncwarp();
    for (int unit = warps - 1 - warp_id; unit < units; unit += warps) {
      const int row = layout.line_groups_divisor.Quotient(unit);
      const int line = (unit - row * line_groups) * lines::kLinesPerWarp + line_group;
      const int i = FindSegmentInWarp(probe_lines_in, probe_blocks_in, row);
      const int slot = row - probe_lines_in[i];
      const int le = layout.world_divisor.Quotient(i);
      const int source = i - le * world;
      uint64_t high = 0;
      UnpackDispatchLine(c, local_base, row_bytes, lines_per_row, part, p.leg, le, source, slot,
                         line, want, unit, &high);
    }
    return;
  }
  __syncwarp();
  for (int unit = warps - 1 - warp_id; unit < units_in; unit += warps) {''')
open(p, 'w').write(s)
