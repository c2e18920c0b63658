// Calls 1 and 2 (not landed): SendColumns as first written, each 32-token group's rows' columns
// copied as one flat run of words (a FastDivisor of PartWords() in the layout, part_words_divisor,
// and a shuffle per word for its token). Call 1 stored the origins before the copy, call 2 after
// it; both 1.2-12.6 us slower than base, with one part as much as with two: about 48 instructions
// per 16-byte word (a shuffle behind a divergence check, the division, 64-bit addresses) against
// the row copy's handful, on SMs whose other warps poll.
// Signature and preamble as SendColumns in ee50359's a2a_ll.cu, with part_words = PartWords() and
// first_word = part * part_words; the loop over 32-token groups was (then `return slot;`):
for (int t0 = 0; t0 < rows; t0 += kWarpSize) {
  const int hit = FindExpert(topk_ids, top_k, t0 + lane, rows, expert);
  const uint32_t hits = __ballot_sync(kFullMask, hit >= 0);
  if (hits == 0) continue;
  const int found = __popc(hits);
  const int from = lane < found ? static_cast<int>(__fns(hits, 0, lane + 1)) : 0;
  const int k = __shfl_sync(kFullMask, hit, from);
  Jitter(c.jitter_max_ns, salt + slot);
  const int run = found * part_words;
  for (int round = 0; round < run; round += kWarpSize * kCopyUnroll) {
    uint4 value[kCopyUnroll];
    uint4* to[kCopyUnroll];
#pragma unroll
    for (int u = 0; u < kCopyUnroll; ++u) {
      const int i = round + u * kWarpSize + lane;
      const int row = layout.part_words_divisor.Quotient(i);
      const int word = first_word + i - row * part_words;
      const int token = t0 + __shfl_sync(kFullMask, from, row % kWarpSize);
      to[u] = nullptr;
      if (i < run && word < words) {
        value[u] = x[static_cast<size_t>(token) * words + word];
        to[u] = reinterpret_cast<uint4*>(owner_base +
                                         layout.RecvRow(local_expert, c.rank, slot + row)) +
                word;
      }
    }
#pragma unroll
    for (int u = 0; u < kCopyUnroll; ++u) {
      if (to[u] != nullptr) *to[u] = value[u];
    }
  }
  if (part == 0 && lane < found) {  // call 2; call 1 stored them before the copy
    *reinterpret_cast<int32_t*>(owner_base + layout.RecvOrigin(local_expert, c.rank, slot + lane)) =
        PackOrigin(t0 + from, k);
  }
  slot += found;
}
