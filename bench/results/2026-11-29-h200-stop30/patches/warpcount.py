# Stop 30: the dispatch's byte counters as before (one atomic per warp and counter).
import sys
path = sys.argv[1]
s = open(path).read()
i = s.index('  // The byte counters (each warp')
j = s.index('    AddCount(c.counters + counter, block_bytes[threadIdx.x]);\n  }\n') + len('    AddCount(c.counters + counter, block_bytes[threadIdx.x]);\n  }\n')
s = s[:i] + '''  if (lane == 0) AddCount(c.counters + kDispatchCopied, copied_bytes);
  AddCount(c.counters + kDispatchPeer, peer_bytes);
  AddCount(c.counters + kDispatchSelf, self_bytes);
''' + s[j:]
open(path, 'w').write(s)
