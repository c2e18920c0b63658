# Variant "mfpr": FirstPairRow's repeated-id check back on __match_any_sync (as at 2c9d45b).
import sys
path = sys.argv[1]
s = open(path).read()
old = """  const bool repeat = EarlierLaneHolds(in_range ? id : -1 - lane, kWarpSize, top_k);
  const bool valid = in_range && !repeat;"""
new = """  const uint32_t same = __match_any_sync(kFullMask, in_range ? id : -1 - lane);
  const bool valid = in_range && (same & ((1u << lane) - 1)) == 0;"""
assert s.count(old) == 1
s = s.replace(old, new)
open(path, "w").write(s)
