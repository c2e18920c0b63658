# Diagnostic variant "nospreadrx" (timing only; wrong if a peer spreads, which no benchmark case at
# 1-4 rows has): the lines-only instance reads no peer as spreading, so the compiler drops the
# spread sources' receive from it.
import sys
p = sys.argv[1]; s = open(p).read()
old = "      spreads = !lines && (FlagWordCount(word) & kA2aLlSpreadBit) != 0;"
new = ("      spreads = kSends != A2aLlSends::kLinesOneUnit && !lines &&\n"
       "                (FlagWordCount(word) & kA2aLlSpreadBit) != 0;")
assert s.count(old) == 1; s = s.replace(old, new); open(p, 'w').write(s)
