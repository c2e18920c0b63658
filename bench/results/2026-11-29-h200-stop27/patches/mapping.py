# Variant "mapping": an item's (expert, part) with the parts of one expert on adjacent warps
# (expert = item / parts), so that a warp with several items gets different experts.
import sys
p = sys.argv[1]; s = open(p).read()
old = """      const int expert = item % experts;
      const int part_index = item / experts;
      const int owner = layout.OwnerOf(expert);"""
new = """      const int expert = layout.dispatch_parts_divisor.Quotient(item);
      const int part_index = item - expert * parts;
      const int owner = layout.OwnerOf(expert);"""
assert s.count(old) == 1; s = s.replace(old, new); open(p, 'w').write(s)
