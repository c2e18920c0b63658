# nol (folder 1), from the repository root at c19cac9: the combine's list loop without its
# loop-start __syncwarp().
p='ep_backend/src/a2a_ll.cu'
s=open(p).read()
old='''  // lines]).
  __syncwarp();
  for (int base = warp_id; any_takes_lines'''
assert s.count(old)==1
s=s.replace(old,'''  // lines]).
  for (int base = warp_id; any_takes_lines''')
open(p,'w').write(s)
