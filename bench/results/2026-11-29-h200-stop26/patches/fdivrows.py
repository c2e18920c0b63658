# Variant "fdivrows" (diagnostic): the row paths take an expert's owner and local index by the
# layout's FastDivisor again (as before 84389e0), to find where the 3-6 us it cost rows once per
# rank at 64-128 rows (stop 23, calls 13-15) go.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""  return expert / layout.local_experts;""", """  return layout.OwnerOf(expert);""")
sub("""  return expert % layout.local_experts;""", """  return layout.LocalExpertOf(expert);""")
open(path, "w").write(s)
