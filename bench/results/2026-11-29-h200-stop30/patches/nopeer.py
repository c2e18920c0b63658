# Stop 30 probe (wrong results; with nocheck.py): the dispatch's spread rows copy only the pairs
# with owner == c.rank (the others' rows are not stored; origins, words and flags as built).
import sys
path = sys.argv[1]
s = open(path).read()
a = '''      if (copy_from < 0) {
        CopyRow(p.x'''
assert s.count(a) == 1
s = s.replace(a, '''      if (copy_from < 0 && owner == c.rank) {
        CopyRow(p.x''')
open(path, 'w').write(s)
