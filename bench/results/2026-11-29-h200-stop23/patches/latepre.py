# Variant "latepre" (after lateent): the combine loads the row path's counts (prefix) after its
# first barrier and only when its peer sent rows, then a barrier before the scan.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new):
    global s
    assert s.count(old) == 1, old
    s = s.replace(old, new)
sub("""  for (int local_expert = threadIdx.x; local_expert < local_experts; local_expert += blockDim.x)
    prefix[local_expert] = __ldcg(p.recv_counts + local_expert * world + peer);
""", "")
sub("""  if (!peer_sends_lines) BlockExclusiveScan(prefix, local_experts);
""", """  if (!peer_sends_lines) {
    for (int local_expert = threadIdx.x; local_expert < local_experts; local_expert += blockDim.x)
      prefix[local_expert] = __ldcg(p.recv_counts + local_expert * world + peer);
    __syncthreads();
    BlockExclusiveScan(prefix, local_experts);
  }
""")
open(path, "w").write(s)
