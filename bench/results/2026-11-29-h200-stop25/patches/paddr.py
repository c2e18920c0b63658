# Variant "paddr": the dispatch's line sends take each pair's destination (its first line at its
# owner, or its recv row here; bit 0: this rank's) from shared memory, computed once per pair after
# the slot table, instead of per unit.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""  __shared__ unsigned long long expert_tokens[kA2aLlMaxExperts];
""", """  __shared__ unsigned long long expert_tokens[kA2aLlMaxExperts];
  __shared__ unsigned long long pair_at[kA2aLlMaxLineRows * kA2aLlMaxTopK];
""")
sub("""        invalid += valid ? 0 : 1;
      }
    }
    __syncthreads();
  }""", """        invalid += valid ? 0 : 1;
      }
    }
    __syncthreads();
    for (int first = 0; first < rows; first += tokens_per_pass) {
      const int token = first + pair_token;
      if (token >= rows || pair_k >= top_k) continue;
      const int expert = pair_expert[token * top_k + pair_k];
      if (expert < 0) continue;
      const int owner = layout.OwnerOf(expert);
      const int local_expert = layout.LocalExpertOf(expert);
      const int slot = __popcll(expert_tokens[expert] & ((1ull << token) - 1));
      pair_at[token * top_k + pair_k] =
          owner == c.rank
              ? reinterpret_cast<uintptr_t>(local_base + layout.RecvRow(local_expert, owner, slot)) | 1u
              : reinterpret_cast<uintptr_t>(c.peers[owner] +
                                            layout.DispatchLine(buffer, local_expert, c.rank, slot, 0));
    }
    __syncthreads();
  }""")
sub("""  const int line_groups = layout.line_groups();
  char* const local_base = c.peers[c.rank];
  unsigned long long peer_bytes = 0, self_bytes = 0;
""", """  const int line_groups = layout.line_groups();
  unsigned long long peer_bytes = 0, self_bytes = 0;
""")
sub("""  const int epoch_unused_marker = 0;""", "", 0)
# local_base must be declared before the table now.
sub("""  const KernelCommon& c = p.common;
  const A2aLlLayout& layout = c.layout;
  const int world = layout.shape.world;
  // Each thread's (token, k) of the slot table's first pass""", """  const KernelCommon& c = p.common;
  const A2aLlLayout& layout = c.layout;
  const int world = layout.shape.world;
  char* const local_base = c.peers[c.rank];
  // Each thread's (token, k) of the slot table's first pass""")
sub("""        if (unit >= units || pair_expert[pair] < 0 || line >= lines_per_row) continue;
        const int expert = pair_expert[pair];
        const int owner = layout.OwnerOf(expert);
        const int local_expert = layout.LocalExpertOf(expert);
        const int token = layout.top_k_divisor.Quotient(pair);
        const int slot = slot_of(expert, token);
        const int32_t origin = PackOrigin(token, pair - token * top_k);
        const bool first_part = line == 0 && part == 0;
        if (owner == c.rank) {
          // This rank's own experts: straight into recv_rows (nothing to wait for on this GPU).
          StoreRowPart(local_base + layout.RecvRow(local_expert, owner, slot), row_bytes, line,
                       part, low[u], high[u]);
          if (first_part) {
            *reinterpret_cast<int32_t*>(local_base + layout.RecvOrigin(local_expert, owner, slot)) =
                origin;
            self_bytes += row_bytes;
          }
        } else {
          if (part == lines::kTagLane) high[u] = FlagWord(epoch, c.layer, origin);
          Jitter(c.jitter_max_ns, unit * 977u + part);
          lines::StoreLinePart(
              reinterpret_cast<uint64_t*>(
                  c.peers[owner] + layout.DispatchLine(buffer, local_expert, c.rank, slot, line)) +
                  2 * part,
              low[u], high[u]);
          if (first_part) peer_bytes += row_bytes;
        }""", """        if (unit >= units || pair_expert[pair] < 0 || line >= lines_per_row) continue;
        const unsigned long long at = pair_at[pair];
        const int token = layout.top_k_divisor.Quotient(pair);
        const int32_t origin = PackOrigin(token, pair - token * top_k);
        const bool first_part = line == 0 && part == 0;
        if (at & 1u) {
          // This rank's own experts: straight into recv_rows (nothing to wait for on this GPU).
          char* row = reinterpret_cast<char*>(at - 1);
          StoreRowPart(row, row_bytes, line, part, low[u], high[u]);
          if (first_part) {
            const int expert = pair_expert[pair];
            *reinterpret_cast<int32_t*>(
                local_base + layout.RecvOrigin(layout.LocalExpertOf(expert), c.rank,
                                               slot_of(expert, token))) = origin;
            self_bytes += row_bytes;
          }
        } else {
          if (part == lines::kTagLane) high[u] = FlagWord(epoch, c.layer, origin);
          Jitter(c.jitter_max_ns, unit * 977u + part);
          lines::StoreLinePart(reinterpret_cast<uint64_t*>(reinterpret_cast<char*>(at) +
                                                           line * lines::kLineBytes) +
                                   2 * part,
                               low[u], high[u]);
          if (first_part) peer_bytes += row_bytes;
        }""")
open(path, "w").write(s)
