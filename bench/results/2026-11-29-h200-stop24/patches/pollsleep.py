# Diagnostic variant "pollsleep": every poll of lines (AwaitLineParts) waits 200 ns before it loads
# again, to see whether the polls' traffic slows the other rank's loads and stores.
import sys
path = sys.argv[1]
s = open(path).read()
old = """    Jitter(c.jitter_max_ns / 4, salt + polls);
"""
assert s.count(old) == 1
s = s.replace(old, old + "    __nanosleep(200);\n")
open(path, "w").write(s)
