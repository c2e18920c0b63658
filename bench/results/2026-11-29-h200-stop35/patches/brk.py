import sys
p=sys.argv[1]
s=open(p).read()
old='''        for (int k = 0; k < kA2aLlMaxTopK; ++k) {
          if (valid >> k & 1u) {
            const uint32_t word'''
assert s.count(old)==1
s=s.replace(old,'''        for (int k = 0; k < kA2aLlMaxTopK; ++k) {
          if (k >= top_k) break;
          if (valid >> k & 1u) {
            const uint32_t word''')
open(p,'w').write(s)
