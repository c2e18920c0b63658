# Probe (not landed): the lines' floor with the receiver's counts from one word per source (sent
# by block 0 before its lines, polled by threads < world of every block, then a barrier) instead
# of from the host: the receive of a dispatch that places a source's rows by their index among its
# pairs for this rank, with no scan and no search.
import sys
p = sys.argv[1]
s = open(p).read()
def rep(a, b):
    global s
    assert a in s, a
    s = s.replace(a, b, 1)
rep('''  __syncwarp();  // Note [Converged lines]
  for (int unit = warp_id; unit < units_out; unit += warps) {''', '''  if (blockIdx.x == 0 && threadIdx.x < world && threadIdx.x != c.rank) {
    StoreRelaxedSys(reinterpret_cast<uint64_t*>(c.peers[threadIdx.x] +
                                                layout.LineCount(p.leg, 0, c.rank)),
                    FlagWord(epoch, c.layer, p.rows_to[threadIdx.x]));
  }
  __syncwarp();  // Note [Converged lines]
  for (int unit = warp_id; unit < units_out; unit += warps) {''')
rep('''  __syncwarp();
  for (int unit = warps - 1 - warp_id; unit < units_in; unit += warps) {''', '''  __shared__ int probe_from[kA2aLlMaxWorld];
  if (threadIdx.x < world) {
    int count = 0;
    if (threadIdx.x != c.rank) {
      uint64_t word = 0;
      if (WaitForWord(c,
                      reinterpret_cast<const uint64_t*>(local_base +
                                                        layout.LineCount(p.leg, 0, threadIdx.x)),
                      want, threadIdx.x, threadIdx.x, &word)) {
        count = FlagWordCount(word);
      }
    }
    probe_from[threadIdx.x] = count;
  }
  __syncthreads();
  int rows_from[kA2aLlMaxWorld];
  units_in = 0;
  for (int r = 0; r < kA2aLlMaxWorld; ++r) {
    rows_from[r] = r < world ? probe_from[r] : 0;
    units_in += rows_from[r] * line_groups;
  }
  __syncwarp();
  for (int unit = warps - 1 - warp_id; unit < units_in; unit += warps) {''')
rep('''    FloorRow(p.rows_from, world, c.rank, row, &source, &source_row);''', '''    FloorRow(rows_from, world, c.rank, row, &source, &source_row);''')
open(p, 'w').write(s)
