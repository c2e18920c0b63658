# Diagnostic variant "dry" (timing only): the kLinesOneUnit dispatch first runs its whole body once
# before griddepcontrol.wait with every global store and every poll off (rows: the padded count;
# words and lines: whatever is there, counts capped at 1), so the real pass finds its code in the
# SM's instruction caches.
import sys
path = sys.argv[1]
whole = open(path).read()
cut = whole.index("// Note [Combine] and Note [Lines for small counts].")
s, rest = whole[:cut], whole[cut:]  # the dispatch kernel and what comes before it
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)

sub("""    DispatchKernel(const DispatchParams p) {
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();
  __shared__ uint32_t shared_epoch;""", """    DispatchKernel(const DispatchParams p) {
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  constexpr bool kDry = kSends == A2aLlSends::kLinesOneUnit;
#pragma unroll 1
  for (int pass = kDry ? 0 : 1; pass < 2; ++pass) {
  const bool dry = kDry && pass == 0;
  if (!dry) device_exchange::AwaitPredecessor();
  __shared__ uint32_t shared_epoch;""")
sub("""    const bool expired_now = DeadlineExpiredOnDevice(c.deadline);
    shared_rows = min(max(*p.num_rows, 0), p.rows);""", """    const bool expired_now = !dry && DeadlineExpiredOnDevice(c.deadline);
    shared_rows = dry ? min(p.rows, layout.shape.line_rows) : min(max(*p.num_rows, 0), p.rows);""")
sub("""  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 53u);
    p.epochs[blockIdx.x] = epoch;""", """  if (threadIdx.x == 0 && !dry) {
    Jitter(c.jitter_max_ns, blockIdx.x * 53u);
    p.epochs[blockIdx.x] = epoch;""")
sub("""  if (layout.shape.rank_dedup() && blockIdx.x == 0 && threadIdx.x < world)""",
    """  if (!dry && layout.shape.rank_dedup() && blockIdx.x == 0 && threadIdx.x < world)""")
sub("""      if (pair_k == 0) {
        p.valid_pairs[token]""", """      if (pair_k == 0 && !dry) {
        p.valid_pairs[token]""")
sub("""        p.pair_routes[pair] = owner == c.rank ? own_row : -1 - owner;""",
    """        if (!dry) p.pair_routes[pair] = owner == c.rank ? own_row : -1 - owner;""")
sub("""      p.line_sends[pair] = entry;
    }
    AddCount(c.counters + kInvalidPairs, invalid);""", """      if (!dry) p.line_sends[pair] = entry;
    }
    if (!dry) AddCount(c.counters + kInvalidPairs, invalid);""")
sub("""    StoreRelaxedSys(
        reinterpret_cast<uint64_t*>(c.peers[owner] +
                                    layout.LineCount(buffer, layout.LocalExpertOf(expert), c.rank)),
        word);""", """    if (!dry)
    StoreRelaxedSys(
        reinterpret_cast<uint64_t*>(c.peers[owner] +
                                    layout.LineCount(buffer, layout.LocalExpertOf(expert), c.rank)),
        word);""")
sub("""        if (owner == c.rank) {
          // This rank's own experts: straight into recv_rows (nothing to wait for on this GPU).
          StoreRowPart(""", """        if (dry) {
        } else if (owner == c.rank) {
          // This rank's own experts: straight into recv_rows (nothing to wait for on this GPU).
          StoreRowPart(""")
# Receive: in the dry pass the word is loaded once, not awaited.
sub("""      uint64_t word = 0;
      const bool arrived =
          WaitForWord(c,
                      reinterpret_cast<const uint64_t*>(
                          local_base + layout.LineCount(buffer, local_expert, source)),
                      want, source, i, &word);""", """      uint64_t word = 0;
      const uint64_t* word_at = reinterpret_cast<const uint64_t*>(
          local_base + layout.LineCount(buffer, local_expert, source));
      bool arrived;
      if (dry) {
        word = FlagWord(epoch, c.layer, kA2aLlLineCountBit | 1);
        arrived = local_expert == 0;
      } else {
        arrived = WaitForWord(c, word_at, want, source, i, &word);
      }""")
sub("""    uint64_t word = 0;
    const bool arrived = WaitForWord(c, flag, want, source, i, &word);
    if (part_index == parts - 1) {""", """    uint64_t word = 0;
    const bool arrived = WaitForWord(c, flag, want, source, i, &word);
    if (part_index == parts - 1 && !dry) {""")
sub("""  if (blockIdx.x == 0) {
    // After the last barrier (Note [Stores after barriers]): each source's mode""", """  if (blockIdx.x == 0 && !dry) {
    // After the last barrier (Note [Stores after barriers]): each source's mode""")
sub("""    uint64_t low[1] = {0}, high[1] = {0};
    if (!AwaitLineParts(""", """    uint64_t low[1] = {0}, high[1] = {0};
    if (dry) {
      if (at[0] != nullptr) lines::LoadLinePart(at[0], &low[0], &high[0]);
      continue;
    }
    if (!AwaitLineParts(""")
sub("""  if (lane == 0) AddCount(c.counters + kDispatchCopied, copied_bytes);
  AddCount(c.counters + kDispatchPeer, peer_bytes);
  AddCount(c.counters + kDispatchSelf, self_bytes);
  if (blockIdx.x == 0 && threadIdx.x == 0) {""", """  if (dry) {
    __syncthreads();
    continue;
  }
  if (lane == 0) AddCount(c.counters + kDispatchCopied, copied_bytes);
  AddCount(c.counters + kDispatchPeer, peer_bytes);
  AddCount(c.counters + kDispatchSelf, self_bytes);
  if (blockIdx.x == 0 && threadIdx.x == 0) {""")
sub("""                                        : kRowsDispatches),
             1);
  }
}
""", """                                        : kRowsDispatches),
             1);
  }
  }
}
""")
open(path, 'w').write(s + rest)
