# The "raw" builds (folder 2) and "nosync" (folder 4), from the repository root at f95c765:
# StoreLinePart and LoadLineParts without their __syncwarp(). "storesync" drops only LoadLineParts'
# (the second), "loadsync" only StoreLinePart's (the first).
import sys
p='ep_backend/src/lines.cuh'
s=open(p).read()
which=sys.argv[1] if len(sys.argv)>1 else 'both'
parts=s.split('  __syncwarp();\n')
assert len(parts)==3
keep={'both':('',''),'storesync':('  __syncwarp();\n',''),'loadsync':('','  __syncwarp();\n')}[which]
s=parts[0]+keep[0]+parts[1]+keep[1]+parts[2]
open(p,'w').write(s)
