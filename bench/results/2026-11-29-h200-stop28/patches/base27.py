# Variant "base27": a2a_ll.cu at 8be381f (stop 27's kernels, without the spread counter).
import subprocess, sys
open(sys.argv[1], "w").write(subprocess.run(["git", "-C", "/work/main", "show", "8be381f:ep_backend/src/a2a_ll.cu"], check=True, capture_output=True, text=True).stdout)
