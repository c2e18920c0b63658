# Applies sbt2.diff (the lines-only dispatch's words and lines before its slot table).
import subprocess, os
subprocess.run(["git", "apply", os.path.join(os.path.dirname(__file__), "sbt2.diff")], check=True, cwd="/work/main")
