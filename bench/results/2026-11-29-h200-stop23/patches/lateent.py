# Variant "lateent": the combine loads its first list entries after its first barrier, not
# before (the compiler consumed entry[0] before the barrier, so each warp waited for the load
# there).
import sys
path = sys.argv[1]
s = open(path).read()
old = """  load_entries(warp_id);
  __syncthreads();
  const uint32_t epoch = shared_epoch;"""
new = """  __syncthreads();
  load_entries(warp_id);
  const uint32_t epoch = shared_epoch;"""
assert s.count(old) == 1
s = s.replace(old, new)
open(path, "w").write(s)
