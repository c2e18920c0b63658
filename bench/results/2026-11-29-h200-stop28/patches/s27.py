# Variant "s27" (also "c1" in calls 2-3): a2a_ll.cu at 8add21a (stop 28's first commit: rows once per rank not spread).
import subprocess, sys
open(sys.argv[1], "w").write(subprocess.run(["git", "-C", "/work/main", "show", "8add21a:ep_backend/src/a2a_ll.cu"], check=True, capture_output=True, text=True).stdout)
