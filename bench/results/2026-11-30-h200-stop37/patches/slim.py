# Probe "slim" (timing only, not general): the lines-only dispatch instance compiled without its
# receive of peers on the row path (their words' waits and the rows-once copies), which no case at
# 1-16 rows on 2 ranks runs, to see what the instance's code size costs.
import sys
path = sys.argv[1]
s = open(path).read()
def rep(old, new):
    global s
    assert s.count(old) == 1, old[:60]
    s = s.replace(old, new)
rep("""  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < wait_words; i += gridDim.x * blockDim.x) {""",
    """  for (int i = blockIdx.x * blockDim.x + threadIdx.x;
       kSends != A2aLlSends::kLinesOneUnit && i < wait_words; i += gridDim.x * blockDim.x) {""")
rep("""       any_spreads && i < world * static_cast<int>(gridDim.x); i += gridDim.x * blockDim.x) {""",
    """       kSends != A2aLlSends::kLinesOneUnit && any_spreads && i < world * static_cast<int>(gridDim.x);
       i += gridDim.x * blockDim.x) {""")
rep("""  for (int item = warp_id; any_sends_once && !expired && item < wait_words; item += warps) {""",
    """  for (int item = warp_id;
       kSends != A2aLlSends::kLinesOneUnit && any_sends_once && !expired && item < wait_words;
       item += warps) {""")
open(path, "w").write(s)
