# Applied after trace-patch-new-table.py, ../2026-11-28-h200x2-stop12/trace-sum-and-blocks-patch.py
# and trace-boundary-patch.py, on the new slot table: block 0 thread 0 marks the arrival of its own
# (token 0, k 0) id after the count's barrier (mark 14, printed as "round1": the timer is read by
# two instructions predicated on a compare of the id, so the read waits for the load) and the
# table's first barrier (mark 15, "round2"). The combine's sum marks 14 and 15 are dropped.
p = '/work/main/ep_backend/src/a2a_ll.cu'
s = open(p).read()
def rep(a, b, count=1):
    global s
    assert s.count(a) == count, (s.count(a), a)
    s = s.replace(a, b)
rep('''        if (unit == warp_id) Mark(epoch, k0 == 0 ? 14 : 15);''', '')
rep('''  if (lines_out && !expired) {
    // Note [The slot table of lines]''', '''  if (blockIdx.x == 0 && threadIdx.x == 0) {
    unsigned long long t;
    asm volatile("{ .reg .pred q; setp.eq.s32 q, %1, 2147483647; @q mov.u64 %0, %%globaltimer; @!q mov.u64 %0, %%globaltimer; }" : "=l"(t) : "r"(early_id) : "memory");
    g_trace[c.rank][epoch % 64][14] = t;
  }
  if (lines_out && !expired) {
    // Note [The slot table of lines]''')
rep('''    AddCount(c.counters + kInvalidPairs, invalid);
    __syncthreads();''', '''    AddCount(c.counters + kInvalidPairs, invalid);
    __syncthreads();
    Mark(epoch, 15);''')
open(p, 'w').write(s)
