# Applied after trace-table-twice-patch.py: block 0's marks inside the second pass of the slot
# table, after its first barrier (mark 14, printed as "round1") and its second (mark 15,
# "round2"); the combine's sum marks 14 and 15 are dropped so as not to overwrite them.
p = '/work/main/ep_backend/src/a2a_ll.cu'
s = open(p).read()
def rep(a, b, count=1):
    global s
    assert s.count(a) == count, (s.count(a), a)
    s = s.replace(a, b)
rep('''        if (unit == warp_id) Mark(epoch, k0 == 0 ? 14 : 15);''', '')
rep('''    AddCount(c.counters + kInvalidPairs, invalid);
    __syncthreads();''', '''    AddCount(c.counters + kInvalidPairs, invalid);
    __syncthreads();
    if (pass == 1) Mark(epoch, 14);''')
rep('''      atomicOr(&token_experts[pair / top_k][expert / 32], 1u << (expert % 32));
    }
    __syncthreads();''', '''      atomicOr(&token_experts[pair / top_k][expert / 32], 1u << (expert % 32));
    }
    __syncthreads();
    if (pass == 1) Mark(epoch, 15);''')
open(p, 'w').write(s)
