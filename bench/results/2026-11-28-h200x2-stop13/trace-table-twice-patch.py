# Applied after trace-boundary-patch.py: the dispatch's slot table (lines mode) runs twice in one
# launch, the same code (a loop of two passes that the compiler must not unroll), with block 0's
# mark 7 (printed as "routes") after the first pass and mark 1 ("D table") after the second. If
# the first pass costs much more than the second, the cost is first-execution (instruction fetch),
# not the work. Results are the same: each pass zeroes what it counts first; invalid pairs would
# count twice (the benchmark's routing has none).
p = '/work/main/ep_backend/src/a2a_ll.cu'
s = open(p).read()
def rep(a, b, count=1):
    global s
    assert s.count(a) == count, (s.count(a), a)
    s = s.replace(a, b)
rep('''  if (lines_out && !expired) {
    // Slots in token order, as the row path gives them (Note [Lines for small counts]).''', '''#pragma unroll 1
  for (int pass = 0; pass < 2; ++pass) {
  if (lines_out && !expired) {
    // Slots in token order, as the row path gives them (Note [Lines for small counts]).''')
rep('''      if (blockIdx.x == 0) p.line_sends[pair] = entry;
    }
    __syncthreads();
  }
''', '''      if (blockIdx.x == 0) p.line_sends[pair] = entry;
    }
    __syncthreads();
  }
  if (pass == 0) Mark(epoch, 7);
  }
''')
open(p, 'w').write(s)
