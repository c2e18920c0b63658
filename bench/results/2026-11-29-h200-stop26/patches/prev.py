# Variant "prev": a2a_ll.cu at 97ca2ad (the stop's start; git HEAD when calls 2-5 built it).
import subprocess, sys
open(sys.argv[1], "w").write(subprocess.run(["git", "-C", "/work/main", "show", "97ca2ad:ep_backend/src/a2a_ll.cu"], check=True, capture_output=True, text=True).stdout)
