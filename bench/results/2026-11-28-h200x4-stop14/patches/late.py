# late (folder 3), from the repository root at e49d28f:
# the launch counter, the count and block 0's table outputs after the receive's last barrier
p='ep_backend/src/a2a_ll.cu'
s=open(p).read()
a=s.index("  // Note [Stores after barriers]: this launch's stores that nothing in it waits for, after its")
b=s.index("  // Every peer's line_counts word of every expert it owns")
stores=s[a:b]
s=s[:a]+s[b:]
anchor="  // The list: this rank's own pairs first when it takes lines, then the rows unpacked below.\n  const int own_listed = lines_out && !expired ? rows * top_k : 0;\n"
assert s.count(anchor)==1
s=s.replace(anchor, anchor+stores)
open(p,'w').write(s)
