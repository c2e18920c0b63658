# Stop 30 probe (wrong results; with nocheck.py): the dispatch's spread rows store no row at all
# (origins, words and flags as built): what the dispatch takes besides its copies.
import sys
path = sys.argv[1]
s = open(path).read()
a = '''      if (copy_from < 0) {
        CopyRow(p.x'''
assert s.count(a) == 1
s = s.replace(a, '''      if (copy_from < 0 && owner < 0) {
        CopyRow(p.x''')
open(path, 'w').write(s)
