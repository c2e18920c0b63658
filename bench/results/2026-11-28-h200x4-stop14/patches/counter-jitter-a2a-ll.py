# A random sleep on thread 0 of every block before it stores its launch counter, in a2a_ll's
# dispatch and combine (what d1ced02 added and 33a2de7 took out). With both, a2a_ll_test's
# JitterStressIsBitForBitStable/2gpus fails (NEXT.md). Run from the repository root at e5e88b5.
p = 'ep_backend/src/a2a_ll.cu'
s = open(p).read()
for old, new in [
    ('''  if (threadIdx.x == 0) {
    p.epochs[blockIdx.x] = epoch;
    if (blockIdx.x == 0) *p.sent_rows = rows;
  }''', '''  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 53u);
    p.epochs[blockIdx.x] = epoch;
    if (blockIdx.x == 0) *p.sent_rows = rows;
  }'''),
    ('''  if (threadIdx.x == 0) p.epochs[blockIdx.x] = epoch;
  unsigned long long moved_lines''', '''  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 53u);
    p.epochs[blockIdx.x] = epoch;
  }
  unsigned long long moved_lines''')]:
    assert s.count(old) == 1
    s = s.replace(old, new)
open(p, 'w').write(s)
