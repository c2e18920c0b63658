# Variants of the dispatch's warp numbering (mode in /tmp/sass/dwm_mode): "unp": the unpack takes
# its units warp-major from the grid's last warp (warp 15 of every block before warp 14 of any);
# "send": the lines' sends take theirs warp-major from the first.
import sys
path = sys.argv[1]
mode = open("/tmp/sass/dwm_mode").read()
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""  const int warp_id = blockIdx.x * kWarpsPerBlock + threadIdx.x / kWarpSize;
  const int experts = layout.shape.num_experts;""", """  const int warp_id = blockIdx.x * kWarpsPerBlock + threadIdx.x / kWarpSize;
  const int warp_major = (threadIdx.x / kWarpSize) * gridDim.x + blockIdx.x;
  const int experts = layout.shape.num_experts;""")
if "unp" in mode:
    sub("""  for (int unit = warps - 1 - warp_id; unit < units; unit += warps) {
    const int row = layout.line_groups_divisor.Quotient(unit);""", """  for (int unit = warps - 1 - warp_major; unit < units; unit += warps) {
    const int row = layout.line_groups_divisor.Quotient(unit);""")
if "send" in mode:
    sub("""    for (int base = warp_id; base < units; base += warps * kUnroll) {""",
        """    for (int base = warp_major; base < units; base += warps * kUnroll) {""")
open(path, "w").write(s)
