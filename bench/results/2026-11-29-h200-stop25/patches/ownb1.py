# Variant "ownb1": the list's entries for this rank's own pairs written by block 1 (block 0 when the
# grid has one), not block 0, which also writes the counts and modes.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""    if (threadIdx.x == 0) *p.line_send_count = min(listed_before(blocks_in), p.line_send_rows);
    for (int first = 0; table && first < rows; first += tokens_per_pass) {""",
"""    if (threadIdx.x == 0) *p.line_send_count = min(listed_before(blocks_in), p.line_send_rows);
  }
  if (blockIdx.x == min(1, static_cast<int>(gridDim.x) - 1)) {
    for (int first = 0; table && first < rows; first += tokens_per_pass) {""")
open(path, "w").write(s)
