# Variants "cut" / "cutall" (timing at 1-8 rows only: the code they remove does not run there):
# cut removes the dispatch's row sends and the combine's row sum (what a kernel instantiated for
# launches of at most line_rows / return_line_rows rows would not hold); cutall also the rows-once
# copies, the partial sums and the combine's row sends.
import sys
path, mode = sys.argv[1], sys.argv[2]
s = open(path).read()
def sub(old, new):
    global s
    assert s.count(old) == 1, old
    s = s.replace(old, new)
sub("  } else if (!lines_out) {", "  } else if (false && !lines_out) {")
sub("  // Every block of every peer's group for this rank.\n", "  return;\n  // Every block of every peer's group for this rank.\n")
if mode == "cutall":
    sub("for (int item = warp_id; any_sends_once && !expired && item < wait_words; item += warps) {",
        "for (int item = warp_id; false && any_sends_once && !expired && item < wait_words; item += warps) {")
    sub("  const int partial_units = expired || !partial_sums ? 0 : first_count * chunks;",
        "  const int partial_units = 0;")
    sub("  const int total = expired || peer_sends_lines || partial_sums ? 0 : prefix[local_experts];",
        "  const int total = 0;")
open(path, "w").write(s)
