# Variant "lateep": each block's launch-counter store (and the dispatch's count for the combine)
# after the kernel's line sends, not before them: a load waits behind its own warp's stores, so
# thread 0's store delayed warp 0's first loads of x / expert_out.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 53u);
    p.epochs[blockIdx.x] = epoch;
    if (blockIdx.x == 0) *p.sent_rows = rows;
  }
""", "")
sub("""  if (table && blockIdx.x == 0) {
    // For the combine:""", """  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 53u);
    p.epochs[blockIdx.x] = epoch;
    if (blockIdx.x == 0) *p.sent_rows = rows;
  }
  if (table && blockIdx.x == 0) {
    // For the combine:""")
sub("""  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 53u);
    p.epochs[blockIdx.x] = epoch;
  }
  unsigned long long moved_lines""", """  unsigned long long moved_lines""")
sub("""  // Note [Rows once per rank]: a peer that sent its rows once per rank gets,""", """  if (threadIdx.x == 0) {
    Jitter(c.jitter_max_ns, blockIdx.x * 53u);
    p.epochs[blockIdx.x] = epoch;
  }
  // Note [Rows once per rank]: a peer that sent its rows once per rank gets,""")
open(path, "w").write(s)
