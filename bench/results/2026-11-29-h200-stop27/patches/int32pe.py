# Variant "int32pe": the slot table's experts as int (the lines-only instance's 64 x 16, the others'
# 128 x 16) instead of int16_t.
import sys
p = sys.argv[1]; s = open(p).read()
for old, new in [
    ("  __shared__ int16_t pair_expert[kA2aLlMaxSpreadRows * kA2aLlMaxTopK];",
     "  __shared__ int pair_expert[kTokenWords * kWordBits * kA2aLlMaxTopK];"),
    ("static_cast<int16_t>(valid ? id : -1)", "valid ? id : -1")]:
    assert s.count(old) == 1, old; s = s.replace(old, new)
open(p, 'w').write(s)
