# Variants u1d / u1c: kLineUnroll 1 in the dispatch only (u1d) or in the combine only (u1c).
import sys
path, which = sys.argv[1], sys.argv[2]
s = open(path).read()
d0 = s.index("    DispatchKernel(const DispatchParams p) {")
c0 = s.index("// Note [Combine] and Note [Lines for small counts].")
c1 = s.index("// LaunchEgressProbe")
if which == "u1d":
    s = s[:d0] + s[d0:c0].replace("kLineUnroll", "1") + s[c0:]
else:
    s = s[:c0] + s[c0:c1].replace("kLineUnroll", "1") + s[c1:]
open(path, "w").write(s)
