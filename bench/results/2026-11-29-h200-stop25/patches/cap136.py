# Diagnostic variant "cap136" (benchmark only): a capacity of 136 rows per source instead of 128, so
# that the receive regions start at strides that are not multiples of 256 KiB, to see whether the
# rows' places alias in the L2 (the combine's loads of expert_out cost up to 0.9 us).
import sys
path = sys.argv[2]
s = open(path).read()
old = "constexpr int kCapacity = 128;"
assert s.count(old) == 1
open(path, "w").write(s.replace(old, "constexpr int kCapacity = 136;"))
