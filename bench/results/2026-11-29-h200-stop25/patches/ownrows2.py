# Variant "ownrows2" ("ownrows3" with /tmp/own_mode = late: no routes before the barrier, each
# unit's loaded at its start): as ownrows (a rank that sends lines sums its own pairs from expert_out, the
# dispatch lists none of them and writes their recv_rows index into pair_routes), without its
# extra registers (ownrows spilled 88 bytes): each warp's first line-sum unit's routes load before
# the combine's first barrier, one per lane; an own pair's parts load into the line's registers
# and its line is not awaited (at = nullptr).
import sys
path = sys.argv[1]
mode = open("/tmp/own_mode").read().strip()
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""      const int owner = expert >= 0 ? layout.OwnerOf(expert) : -1;
      const uint32_t own = __ballot_sync(kFullMask, owner == c.rank);
      const int leader = own != 0 ? __ffs(own) - 1 : 0;
      int at = 0;
      if (own != 0 && lane == leader) at = atomicAdd(&own_listed, __popc(own));
      at = __shfl_sync(kFullMask, at, leader) + __popc(own & ((1u << lane) - 1));
      if (!active) continue;
      if (pair_k == 0) {
        p.valid_pairs[token] = static_cast<uint16_t>((sent & group_mask) >> group_base);
      }
      if (expert >= 0) p.pair_routes[pair] = owner == c.rank ? 0 : -1 - owner;
      if (owner == c.rank && at < p.line_send_rows) {
        const int local_expert = layout.LocalExpertOf(expert);
        p.line_sends[at] = make_int4(
            static_cast<int>(epoch),
            static_cast<int>(layout.RecvRowIndex(local_expert, c.rank, slot_of(expert, token))),
            PackOrigin(token, pair_k), c.rank);
      }""", """      const int owner = expert >= 0 ? layout.OwnerOf(expert) : -1;
      if (!active) continue;
      if (pair_k == 0) {
        p.valid_pairs[token] = static_cast<uint16_t>((sent & group_mask) >> group_base);
      }
      if (expert >= 0) {
        p.pair_routes[pair] =
            owner == c.rank ? static_cast<int32_t>(layout.RecvRowIndex(
                                  layout.LocalExpertOf(expert), c.rank, slot_of(expert, token)))
                            : -1 - owner;
      }""")
sub("""  const int own_listed_rows = lines_in[blocks_in] >> kOwnListedShift;""",
    """  const int own_listed_rows = 0;""")
if mode != "late": sub("""  load_entries(warp_id);
  __syncthreads();
  const uint32_t epoch = shared_epoch;""", """  load_entries(warp_id);
  const int first_sum_token = layout.line_groups_divisor.Quotient(warps - 1 - warp_id);
  const int32_t first_routes =
      first_sum_token < min(p.rows, layout.shape.return_line_rows) && lane < layout.shape.top_k
          ? __ldcg(p.pair_routes + first_sum_token * layout.shape.top_k + lane)
          : -1;
  __syncthreads();
  const uint32_t epoch = shared_epoch;""")
sub("""      const uint32_t valid = __ldcg(p.valid_pairs + token);
      float sum[8] = {0, 0, 0, 0, 0, 0, 0, 0};""", """      const uint32_t valid = __ldcg(p.valid_pairs + token);
      const int32_t route_lane = !own_rows                         ? -1
                                 : """ + ("" if mode == "late" else "unit == warps - 1 - warp_id ? first_routes : ") + """lane < top_k ? __ldcg(p.pair_routes + token * top_k + lane)
                                                : -1;
      const uint32_t own_bits = __ballot_sync(
          kFullMask, route_lane >= 0 && static_cast<size_t>(route_lane) < layout.recv_row_count());
      float sum[8] = {0, 0, 0, 0, 0, 0, 0, 0};""")
sub("""          low[u] = high[u] = 0;
          at[u] = k < top_k && has_line
                      ? reinterpret_cast<const uint64_t*>(
                            local_base + layout.CombineLine(buffer, token, k, line)) +
                            2 * part
                      : nullptr;""", """          low[u] = high[u] = 0;
          const bool own = own_bits >> (k % kWarpSize) & 1u;
          if (own && k < top_k && has_line) {
            const int32_t route = __shfl_sync(kFullMask, route_lane, k % kWarpSize);
            LoadRowPart(expert_out + static_cast<size_t>(route) * row_bytes, row_bytes, line, part,
                        &low[u], &high[u]);
          }
          at[u] = k < top_k && has_line && !own
                      ? reinterpret_cast<const uint64_t*>(
                            local_base + layout.CombineLine(buffer, token, k, line)) +
                            2 * part
                      : nullptr;""")
sub("""    char* out = reinterpret_cast<char*>(p.out);
    const int units = rows * line_groups;
    __syncwarp();  // Note [Converged lines]""", """    char* out = reinterpret_cast<char*>(p.out);
    const int units = rows * line_groups;
    const bool own_rows = (source_modes[c.rank] & kSendsLines) != 0;
    __syncwarp();  // Note [Converged lines]""")
open(path, "w").write(s)
