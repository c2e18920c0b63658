# Probe (not landed): the lines' floor with the two steps every device-routed dispatch + combine of
# lines must take, to price them: in leg 0 (the dispatch) the slot table's shape (an id per thread
# and thread 0's count loaded after the wait, then a mask bit per id in shared memory by atomicOr
# and a barrier; each sent row's place read from a mask), and each received row's origin stored
# beside it; in leg 1 (the combine) each sent row found through that origin (a dependent load
# before the row's), as the combine's list entry is.
import sys
p = sys.argv[1]
s = open(p).read()
def rep(a, b):
    global s
    assert s.count(a) == 1, a
    s = s.replace(a, b, 1)
rep('''    LinesFloorKernel(const LinesFloorParams p) {
  device_exchange::TouchParams(p);  // Note [Parameters before the wait]
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
  __shared__ uint32_t shared_epoch;
  if (threadIdx.x == 0) shared_epoch = last_epoch + 1;
  __syncthreads();''', '''    LinesFloorKernel(const LinesFloorParams p) {
  device_exchange::TouchParams(p);  // Note [Parameters before the wait]
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
  __shared__ uint32_t shared_epoch;
  __shared__ int probe_count;
  __shared__ unsigned long long probe_masks[256];
  const uint32_t probe_id =
      p.leg == 0 ? __ldg(reinterpret_cast<const uint32_t*>(p.x) + threadIdx.x) : 0;
  if (p.leg == 0 && threadIdx.x < 256) probe_masks[threadIdx.x] = 0;
  if (threadIdx.x == 0) {
    shared_epoch = last_epoch + 1;
    probe_count = p.leg == 0 ? __ldcg(reinterpret_cast<const int*>(p.x)) : 0;
  }
  __syncthreads();
  if (p.leg == 0) {
    if (probe_count != 0x7fffffff) {
      atomicOr(&probe_masks[probe_id & 255], 1ull << (threadIdx.x & 63));
    }
    __syncthreads();
  }''')
rep('''    FloorRow(p.rows_to, world, c.rank, row, &peer, &peer_row);
    uint64_t low = 0, high = 0;
    if (line < lines_per_row) {
      LoadRowPart(p.x + static_cast<size_t>(peer_row % p.x_rows) * row_bytes, row_bytes, line, part,
                  &low, &high);''', '''    FloorRow(p.rows_to, world, c.rank, row, &peer, &peer_row);
    if (p.leg == 0 && __popcll(probe_masks[peer_row & 255]) > p.x_rows + 1000) peer_row ^= 1;
    const int x_row =
        p.leg == 1 ? __ldcg(reinterpret_cast<const int32_t*>(
                         local_base + layout.RecvOrigin(peer_row / line_rows, peer,
                                                        peer_row % line_rows)))
                   : peer_row;
    uint64_t low = 0, high = 0;
    if (line < lines_per_row) {
      LoadRowPart(p.x + static_cast<size_t>(x_row % p.x_rows) * row_bytes, row_bytes, line, part,
                  &low, &high);''')
rep('''    StoreRowPart(local_base + layout.RecvRow(local_expert, source, slot), row_bytes, line, part,
                 low[0], high[0]);
  }
}''', '''    StoreRowPart(local_base + layout.RecvRow(local_expert, source, slot), row_bytes, line, part,
                 low[0], high[0]);
    if (p.leg == 0 && line == 0 && part == lines::kTagLane) {
      *reinterpret_cast<int32_t*>(local_base + layout.RecvOrigin(local_expert, source, slot)) =
          source_row;
    }
  }
}''')
open(p, 'w').write(s)
