# conv2 (folders 5 and 7), reconstructed after the runs from the build that ran (the same branches
# and predicates), from the repository root at f95c765: in the dispatch's line stores and the
# combine's list, the branches that are the whole warp's skip the unit again; only "no line" stays a predicate.
p='ep_backend/src/a2a_ll.cu'
s=open(p).read()
def rep(old,new):
    global s
    assert s.count(old)==1, old
    s=s.replace(old,new)
rep('''        const int expert = unit < units && line < lines_per_row ? pair_expert[pair] : -1;
        const int owner = expert >= 0 ? layout.OwnerOf(expert) : c.rank;
        const int local_expert = expert >= 0 ? layout.LocalExpertOf(expert) : 0;
        const int token = pair / top_k;
        const int slot = expert >= 0 ? slot_of(expert, token) : 0;''','''        if (unit >= units) break;
        const int expert = pair_expert[pair];
        if (expert < 0) continue;
        const bool has_line = line < lines_per_row;
        const int owner = layout.OwnerOf(expert);
        const int local_expert = layout.LocalExpertOf(expert);
        const int token = pair / top_k;
        const int slot = slot_of(expert, token);''')
rep('''        if (expert >= 0 && owner == c.rank) {
          // This rank's own experts: straight into recv_rows (nothing to wait for on this GPU).
          StoreRowPart(local_base + layout.RecvRow(local_expert, owner, slot), row_bytes, line,
                       part, low[u], high[u]);''','''        if (owner == c.rank) {
          // This rank's own experts: straight into recv_rows (nothing to wait for on this GPU).
          if (has_line) {
            StoreRowPart(local_base + layout.RecvRow(local_expert, owner, slot), row_bytes, line,
                         part, low[u], high[u]);
          }''')
rep('''            self_bytes += row_bytes;
          }
        }
        const bool to_peer = expert >= 0 && owner != c.rank;''','''            self_bytes += row_bytes;
          }
          continue;
        }
        const bool to_peer = has_line;''')
rep('''        if (to_peer && first_part) peer_bytes += row_bytes;''','''        if (first_part) peer_bytes += row_bytes;''')
rep('''      const bool send = listed(base, u) && entry[u].w >= 0 && line < lines_per_row;
      const int32_t origin = send ? entry[u].z : 0;''','''      if (!listed(base, u) || entry[u].w < 0) continue;
      const bool send = line < lines_per_row;
      const int32_t origin = entry[u].z;''')
rep('''              c.peers[send ? entry[u].w : c.rank] +''','''              c.peers[entry[u].w] +''')
rep('''      if (send && line == 0 && part == 0)''','''      if (line == 0 && part == 0)''')
open(p,'w').write(s)
