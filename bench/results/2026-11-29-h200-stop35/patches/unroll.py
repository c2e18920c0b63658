import sys,os
p=sys.argv[1]; n=os.environ['UNROLL']
s=open(p).read()
old='''#pragma unroll
        for (int k = 0; k < kA2aLlMaxTopK; ++k) {
          if (k >= top_k) break;
          if (valid >> k & 1u) {'''
assert s.count(old)==1
new=f'''#pragma unroll {n}
        for (int k = 0; k < top_k; ++k) {{
          if (valid >> k & 1u) {{'''
s=s.replace(old,new); open(p,'w').write(s)
