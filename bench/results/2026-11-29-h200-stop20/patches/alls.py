# Variant "alls" (timing only, not correct in general): the lines instance also assumes every peer
# sends lines, so its receive's row-flag waits and rows-once copies are compiled out. Measures what
# a hint "every rank's padded rows are within line_rows" could be worth.
import sys
p = sys.argv[1]
s = open(p).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (old, s.count(old))
    s = s.replace(old, new)
sub("""  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < wait_words; i += gridDim.x * blockDim.x) {""",
"""  for (int i = blockIdx.x * blockDim.x + threadIdx.x; kSends != Sends::kLinesOneUnit && i < wait_words; i += gridDim.x * blockDim.x) {""")
sub("""  for (int item = warp_id; any_sends_once && !expired && item < wait_words; item += warps) {""",
"""  for (int item = warp_id; kSends != Sends::kLinesOneUnit && any_sends_once && !expired && item < wait_words; item += warps) {""")
open(p, "w").write(s)
