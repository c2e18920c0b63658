# Variant "notp": without TouchParams (Note [Parameters before the wait]).
import sys
path = sys.argv[1]
s = open(path).read()
old = "  device_exchange::TouchParams(p);  // Note [Parameters before the wait]\n"
assert s.count(old) == 2
s = s.replace(old, "")
open(path, "w").write(s)
