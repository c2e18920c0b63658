# Stop 30 probe (wrong results; with nocheck.py): a rank that takes lines back gets no lines of its
# own pairs: its combine's own group sends none, and its line sum awaits and sums only the pairs of
# other ranks (the own pairs told apart by pair_routes, loaded per unit).
import sys
path = sys.argv[1]
s = open(path).read()
def patch(a, b):
    global s
    assert s.count(a) == 1, a
    s = s.replace(a, b)
patch('''  const int total = expired || peer_sends_lines || partial_sums ? 0 : prefix[local_experts];''',
'''  const int total = expired || peer_sends_lines || partial_sums ||
                            (peer == c.rank && peer_takes_lines)
                        ? 0
                        : prefix[local_experts];''')
patch('''      const uint32_t valid = __ldcg(p.valid_pairs + token);
      float sum[8] = {0, 0, 0, 0, 0, 0, 0, 0};''', '''      uint32_t valid = __ldcg(p.valid_pairs + token);
      {
        const int32_t route = lane < top_k ? __ldcg(p.pair_routes + token * top_k + lane) : -1;
        valid &= ~__ballot_sync(kFullMask, route == 0);
      }
      float sum[8] = {0, 0, 0, 0, 0, 0, 0, 0};''')
open(path, 'w').write(s)
