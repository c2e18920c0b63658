# Applies hoist.diff (the lines-only dispatch's first unit of x loaded beside the ids).
import subprocess, os
subprocess.run(["git", "apply", os.path.join(os.path.dirname(__file__), "hoist.diff")], check=True, cwd="/work/main")
