# Applies hoistcg.diff (hoist.diff with the first unit loaded through __ldcg, kept in order).
import subprocess, os
subprocess.run(["git", "apply", os.path.join(os.path.dirname(__file__), "hoistcg.diff")], check=True, cwd="/work/main")
