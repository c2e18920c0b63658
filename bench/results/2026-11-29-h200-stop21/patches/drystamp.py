# Diagnostic (timing only): clock64 in the dispatch at entry, at the real pass's start (after the
# dry pass where there is one), after griddepcontrol.wait and at the end, in block 0's thread 0 and
# the last block's last warp; rank 0 prints them (cycles from entry) for its 600th dispatch.
import sys
path = sys.argv[1]
whole = open(path).read()
cut = whole.index("// Note [Combine] and Note [Lines for small counts].")
s, rest = whole[:cut], whole[cut:]
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
helpers = r'''
#define PG_STAMP_DECL                                                              \
  __shared__ long long pg_clock[8];                                                \
  const bool pg_stamper = (blockIdx.x == 0 && threadIdx.x == 0) ||                 \
                          (blockIdx.x == gridDim.x - 1 && threadIdx.x == blockDim.x - 32);
#define PG_STAMP(i) \
  if (pg_stamper) pg_clock[i] = clock64();
'''
anchor = "// Note [Dispatch] and Note [Lines for small counts].\n"
sub(anchor, helpers + anchor)
sub("""    DispatchKernel(const DispatchParams p) {
""", """    DispatchKernel(const DispatchParams p) {
  PG_STAMP_DECL
  PG_STAMP(0)
""")
if "if (!dry) device_exchange::AwaitPredecessor();" in s:
    sub("  if (!dry) device_exchange::AwaitPredecessor();\n",
        "  if (!dry) { PG_STAMP(1) device_exchange::AwaitPredecessor(); PG_STAMP(2) }\n")
else:
    sub("  device_exchange::AwaitPredecessor();\n",
        "  PG_STAMP(1) device_exchange::AwaitPredecessor(); PG_STAMP(2)\n")
sub("""                                        : kRowsDispatches),
             1);
  }
""", """                                        : kRowsDispatches),
             1);
  }
  PG_STAMP(3)
  if (pg_stamper && c.rank == 0 && epoch == 600)
    printf("D block %d rows %d | to real pass %lld wait %lld real pass %lld\\n", blockIdx.x, rows,
           pg_clock[1] - pg_clock[0], pg_clock[2] - pg_clock[1], pg_clock[3] - pg_clock[2]);
""")
open(path, 'w').write(s + rest)
