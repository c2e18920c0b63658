# Diagnostic "cnoload" (timing only): the combine's line sends store zeros with their tags instead
# of loading expert_out.
import sys
path = sys.argv[1]
s = open(path).read()
old = """        LoadRowPart(expert_out + static_cast<size_t>(entry[u].y) * row_bytes, row_bytes, line, part,
                    &low[u], &high[u]);"""
assert s.count(old) == 1
s = s.replace(old, """        low[u] = high[u] = 0;""")
open(path, "w").write(s)
