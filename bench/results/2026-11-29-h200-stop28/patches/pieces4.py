# Variant "pieces4": the peers' copies of a spread source's rows once per rank by 4 times as many
# items (each (local expert, source, part) of a spread source cut in 4 ranges of slots; sources
# that did not spread keep one item per part).
import sys
p = sys.argv[1]; s = open(p).read()
def sub(a, b):
    global s
    assert s.count(a) == 1, a
    s = s.replace(a, b)
sub('''  for (int item = warp_id; any_sends_once && !expired && item < wait_words; item += warps) {
    const int block_in = layout.dispatch_parts_divisor.Quotient(item);  // (local expert, source)
    const int part_index = item - block_in * parts;''',
'''  constexpr int kOncePieces = 4;
  for (int item = warp_id; any_sends_once && !expired && item < wait_words * kOncePieces;
       item += warps) {
    const int piece = item % kOncePieces;
    const int part_item = item / kOncePieces;
    const int block_in = layout.dispatch_parts_divisor.Quotient(part_item);  // (local expert, source)
    const int part_index = part_item - block_in * parts;''')
sub('''    const bool spreads = (source_modes[source] & kSpreadsRows) != 0;
    uint64_t word = 0;''', '''    const bool spreads = (source_modes[source] & kSpreadsRows) != 0;
    if (!spreads && piece != 0) continue;
    uint64_t word = 0;''')
sub('''    const int end = spreads ? spread_count * (part_index + 1) / parts
                            : FlagWordCount(__shfl_sync(kFullMask, word, 0));
    const int begin = spreads          ? spread_count * part_index / parts''',
'''    const int pieces = parts * kOncePieces;
    const int at = part_index * kOncePieces + piece;
    const int end = spreads ? spread_count * (at + 1) / pieces
                            : FlagWordCount(__shfl_sync(kFullMask, word, 0));
    const int begin = spreads          ? spread_count * at / pieces''')
open(p, "w").write(s)
