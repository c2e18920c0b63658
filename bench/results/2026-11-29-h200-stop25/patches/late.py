# Variants "afterwords" / "aftersends" (VARIANT_LATE=words|sends): block 0's stores for the combine
# (valid_pairs, pair_routes and the own pairs' entries, numbered by the shared counter) move from
# before the line-count words to after them, or to after the line sends (before the receive).
import os, sys
path = sys.argv[1]
mode = open("/tmp/late_mode").read().strip()
s = open(path).read()
start = s.index("  if (table && blockIdx.x == 0) {\n    // For the combine: which pairs travel")
end = s.index("  // Every peer's line_counts word of every expert it owns")
block = s[start:end]
s = s[:start] + s[end:]
if mode == "words":
    anchor = "  if (lines_out && !expired) {\n    // Lines: (pair, four lines) per warp"
else:
    anchor = "  // Receive. Each source's mode, from its words"
assert s.count(anchor) == 1
s = s.replace(anchor, block + anchor)
open(path, "w").write(s)
