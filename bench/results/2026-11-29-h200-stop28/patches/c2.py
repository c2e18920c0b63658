# Variant "c2": a2a_ll.cu at fe3de27 (stop 28's second commit: rows once per rank spread, their copies by (local expert, source, part)).
import subprocess, sys
open(sys.argv[1], "w").write(subprocess.run(["git", "-C", "/work/main", "show", "fe3de27:ep_backend/src/a2a_ll.cu"], check=True, capture_output=True, text=True).stdout)
