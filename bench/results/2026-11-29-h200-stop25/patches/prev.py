# Variant "prev": the committed a2a_ll.cu (git HEAD), against the tree's.
import subprocess, sys
open(sys.argv[1], "w").write(subprocess.run(["git", "-C", "/work/main", "show", "HEAD:ep_backend/src/a2a_ll.cu"], check=True, capture_output=True, text=True).stdout)
