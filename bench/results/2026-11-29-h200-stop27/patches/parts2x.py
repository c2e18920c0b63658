# Variant "parts2x": twice the parts (two (expert, part) items per warp where warps >= experts).
import sys
p = sys.argv[1]; s = open(p).read()
old = "std::clamp(dispatch_warps / options.num_experts,"
new = "std::clamp(2 * dispatch_warps / options.num_experts,"
assert s.count(old) == 1; s = s.replace(old, new); open(p, 'w').write(s)
