# Variant "wfirst": block 0 writes the table's outputs for the combine (valid_pairs, pair_routes,
# the list's first entries) after its count words and its line sends, which peers wait for, instead
# of before them.
import sys
path = sys.argv[1]
whole = open(path).read()
cut = whole.index("// Note [Combine] and Note [Lines for small counts].")
s, rest = whole[:cut], whole[cut:]
start = s.index("  if (table && blockIdx.x == 0) {\n    // For the combine:")
end_marker = "    AddCount(c.counters + kInvalidPairs, invalid);\n  }\n"
end = s.index(end_marker, start) + len(end_marker)
block = s[start:end]
s = s[:start] + s[end:]
block = block.replace("  if (table && blockIdx.x == 0) {\n", "  if (blockIdx.x == 0) {\n", 1)
block = "".join("  " + line if line else line for line in block.splitlines(True))
anchor = "  } else if (!lines_out) {\n"
assert s.count(anchor) == 1
s = s.replace(anchor, block + anchor)
open(path, 'w').write(s + rest)
