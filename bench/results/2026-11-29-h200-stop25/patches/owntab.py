# Variant "owntab": the list's entries for this rank's own pairs written with the slot table again
# (block 0, before the waits), first in the list, numbered by a shared counter a warp at a time; the
# rows unpacked follow them, after the own pairs' total (the scan's high half).
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""  __shared__ int any_sends_once;  // a peer sends rows once per rank (Note [Rows once per rank])
""", """  __shared__ int any_sends_once;  // a peer sends rows once per rank (Note [Rows once per rank])
  __shared__ int own_listed;
""")
sub("""    any_sends_once = 0;
""", """    any_sends_once = 0;
    own_listed = 0;
""")
sub("""      const int expert = active ? pair_expert[pair] : -1;
      const uint32_t sent = __ballot_sync(kFullMask, expert >= 0);
      if (!active) continue;""", """      const int expert = active ? pair_expert[pair] : -1;
      const uint32_t sent = __ballot_sync(kFullMask, expert >= 0);
      const int owner = expert >= 0 ? layout.OwnerOf(expert) : -1;
      const uint32_t own = __ballot_sync(kFullMask, owner == c.rank);
      int at = 0;
      if (own != 0 && lane == __ffs(own) - 1) at = atomicAdd(&own_listed, __popc(own));
      at = __shfl_sync(kFullMask, at, own != 0 ? __ffs(own) - 1 : 0) +
           __popc(own & ((1u << lane) - 1));
      if (!active) continue;""")
sub("""      if (expert >= 0) {
        const int owner = layout.OwnerOf(expert);
        p.pair_routes[pair] = owner == c.rank ? 0 : -1 - owner;
      }
    }""", """      if (expert >= 0) p.pair_routes[pair] = owner == c.rank ? 0 : -1 - owner;
      if (owner == c.rank && at < p.line_send_rows) {
        const int local_expert = layout.LocalExpertOf(expert);
        p.line_sends[at] = make_int4(
            static_cast<int>(epoch),
            static_cast<int>(layout.RecvRowIndex(local_expert, c.rank, slot_of(expert, token))),
            PackOrigin(token, pair_k), c.rank);
      }
    }""")
sub("""    if (threadIdx.x == 0) *p.line_send_count = min(listed_before(blocks_in), p.line_send_rows);
    for (int first = 0; table && first < rows; first += tokens_per_pass) {
      const int token = first + pair_token;
      const int expert = token < rows && pair_k < top_k ? pair_expert[token * top_k + pair_k] : -1;
      if (expert < 0 || layout.OwnerOf(expert) != c.rank) continue;
      const int local_expert = layout.LocalExpertOf(expert);
      const int slot = slot_of(expert, token);
      const int at = listed_before(local_expert * world + c.rank) + slot;
      if (at < p.line_send_rows) {
        p.line_sends[at] = make_int4(
            static_cast<int>(epoch), static_cast<int>(layout.RecvRowIndex(local_expert, c.rank, slot)),
            PackOrigin(token, pair_k), c.rank);
      }
    }
  }""", """    if (threadIdx.x == 0) *p.line_send_count = min(listed_before(blocks_in), p.line_send_rows);
  }""")
sub("""      const int at = row + (lines_in[i] >> kOwnListedShift);""",
    """      const int at = row + (lines_in[blocks_in] >> kOwnListedShift);""")
open(path, "w").write(s)
