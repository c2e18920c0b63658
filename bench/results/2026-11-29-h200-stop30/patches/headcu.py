# Stop 30: a2a_ll.cu as committed at HEAD (the variant without the working tree's change).
import subprocess, sys
path = sys.argv[1]
open(path, 'w').write(subprocess.run(['git', 'show', 'HEAD:ep_backend/src/a2a_ll.cu'],
                                     capture_output=True, text=True, check=True).stdout)
