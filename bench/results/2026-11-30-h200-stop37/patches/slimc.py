# Probe "slimc" (timing only, not general): the combine's narrow instance compiled without its row
# path (the partial sums of rows sent once, the rows held for a peer that sent rows, the sum of rows
# returned), which no case at 1-8 rows on 2 ranks runs, to see what the instance's code size costs.
import sys
path = sys.argv[1]
s = open(path).read()
def rep(old, new):
    global s
    assert s.count(old) == 1, old[:60]
    s = s.replace(old, new)
rep("""  for (int unit = group_warp; unit < partial_units; unit += group_blocks * kWarpsPerBlock) {""",
    """  for (int unit = group_warp; !kNarrowSum && unit < partial_units;
       unit += group_blocks * kWarpsPerBlock) {""")
rep("""  for (int row = group_warp; row < total; row += group_blocks * kWarpsPerBlock) {""",
    """  for (int row = group_warp; !kNarrowSum && row < total; row += group_blocks * kWarpsPerBlock) {""")
rep("""  // Every block of every peer's group for this rank.
  if (threadIdx.x < world * group_blocks) {""", """  if (kNarrowSum) return;
  // Every block of every peer's group for this rank.
  if (threadIdx.x < world * group_blocks) {""")
open(path, "w").write(s)
