# Variant "prev": a2a_ll.cu at 67caf5d (stop 26's kernels, the stop's start: parts by tokens, no
# spread rows); it builds against ee50359's headers, whose additions it does not use.
import subprocess, sys
open(sys.argv[1], "w").write(subprocess.run(["git", "-C", "/work/main", "show", "67caf5d:ep_backend/src/a2a_ll.cu"], check=True, capture_output=True, text=True).stdout)
