# Diagnostic variant "balanced" (benchmark only): token t picks experts t + 32 k (k < 8), so every
# expert gets rows x 8 / 256 pairs exactly and each token 4 per rank on 2 ranks: the time with no
# imbalance between experts, against the uniform random routing.
import sys
p = sys.argv[2]; s = open(p).read()
old = "        ids[t * kTopK + k] = experts[k];\n"
new = "        ids[t * kTopK + k] = (t + 32 * k + rank) % kExperts;\n"
assert s.count(old) == 1; s = s.replace(old, new); open(p, 'w').write(s)
