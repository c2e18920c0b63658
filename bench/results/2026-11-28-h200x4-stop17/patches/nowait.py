# Variant "nowait": ecb26b8's wait at the end of the lines-back line sum left out (5e88bf8's kernel).
import re
p = 'ep_backend/src/a2a_ll.cu'
s = open(p).read()
start = s.index("    // Note [Buffer reuse across layers]: a source that sent rows wrote its dispatch flags")
end = s.index("    return;\n  }\n", start)
s = s[:start] + s[end:]
open(p, 'w').write(s)
