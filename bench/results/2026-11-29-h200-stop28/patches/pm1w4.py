# Variant "pm1w4": partial sums with 1 members' rows at once, 4 words per lane each.
import sys
p = sys.argv[1]; s = open(p).read()
for old, new in [("constexpr int kPartialWords = 2;", "constexpr int kPartialWords = 4;"),
                 ("constexpr int kPartialMembers = 4;", "constexpr int kPartialMembers = 1;")]:
  assert old in s; s = s.replace(old, new)
open(p, "w").write(s)
