# Variants of lines back (results stay right). Usage: probe2.py VARIANT[+VARIANT...]
import sys
cu = '/work/main/ep_backend/src/a2a_ll.cu'
lay = '/work/main/ep_backend/include/padgraph/ep_backend/a2a_ll_layout.h'
def patch(path, a, b):
    s = open(path).read()
    assert s.count(a) == 1, (path, s.count(a), a)
    open(path, 'w').write(s.replace(a, b))
PATCHES = {
    'off': (lay, 'const int wanted = option == kA2aLlReturnLineRowsAuto ? most : option;',
            'const int wanted = option == kA2aLlReturnLineRowsAuto ? line_rows : option;'),
    'inter': (lay, '''           ((static_cast<size_t>(buffer) * shape.return_line_rows + token) * shape.top_k + k) *''',
              '''           ((static_cast<size_t>(token) * 2 + buffer) * shape.top_k + k) *'''),
    'ls8': (cu, 'constexpr int kLineSumLoads = 4;', 'constexpr int kLineSumLoads = 8;'),
}
for v in sys.argv[1].split('+'):
    patch(*PATCHES[v])
