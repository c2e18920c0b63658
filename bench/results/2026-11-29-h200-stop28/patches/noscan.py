# Variant "noscan" (timing only, wrong with rows once per rank): head without once_in's stores and
# scan, the loop of spread rows' copies kept.
import sys
p = sys.argv[1]; s = open(p).read()
for old in ["    once_in[i] = spreads && sends_once && source != c.rank ? count : 0;\n",
            "  if (any_sends_once) BlockExclusiveScan(once_in, blocks_in);\n"]:
  assert old in s; s = s.replace(old, "")
open(p, "w").write(s)
