# words (folder 1), from the repository root at b897d2b: block 0 sends the line_counts words before the table's outputs.
p='ep_backend/src/a2a_ll.cu'
s=open(p).read()
a=s.index('  // Note [Stores after barriers]: this launch\'s stores that nothing in it waits for, after its')
b=s.index('  // Every peer\'s line_counts word of every expert it owns')
c=s.index('  if (lines_out && !expired) {\n    // Lines: (pair, four lines)')
stores=s[a:b]; words=s[b:c]
s=s[:a]+words+stores+s[c:]
open(p,'w').write(s)
