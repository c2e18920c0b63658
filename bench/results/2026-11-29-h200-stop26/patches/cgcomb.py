# Variant "cgcomb": a2a_ll.cu at 97ca2ad (__ldg row copies) with only the combine's row copy
# (rows back) loading through __ldcg, which keeps its eight loads ahead of its stores.
import subprocess, sys
s = subprocess.run(["git", "-C", "/work/main", "show", "97ca2ad:ep_backend/src/a2a_ll.cu"], check=True, capture_output=True, text=True).stdout
old = "      CopyRow(p.expert_out + held * words,"
assert s.count(old) == 1
open(sys.argv[1], "w").write(s.replace(old, "      CopyRow<true>(p.expert_out + held * words,"))
