# Variant "t256": both kernels on blocks of 256 threads (8 warps) instead of 512, to test whether
# the small-count phases are bound by instruction issue (16 warps sharing 4 schedulers).
import re, sys
path = sys.argv[1]
s = open(path).read()
n1 = s.count("A2aLl::kThreadsPerBlock")
s = s.replace("A2aLl::kThreadsPerBlock", "256")
s, n2 = re.subn(r"(?<![\w:])kThreadsPerBlock(?!\w)", "256", s)
assert n1 >= 3 and n2 >= 4, (n1, n2)
open(path, "w").write(s)
