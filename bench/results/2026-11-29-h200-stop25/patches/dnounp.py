# Diagnostic "dnounp" (timing only): the dispatch's unpack awaits each line but does not store it
# into recv_rows.
import sys
path = sys.argv[1]
s = open(path).read()
old = """    StoreRowPart(local_base + layout.RecvRow(local_expert, source, slot), row_bytes, line, part,
                 low[0], high[0]);"""
assert s.count(old) == 1
s = s.replace(old, "")
open(path, "w").write(s)
