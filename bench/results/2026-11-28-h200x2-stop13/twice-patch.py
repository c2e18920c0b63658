# "Do one phase twice" (the library's METHOD: time variants that repeat a stage and take the
# difference): `python3 twice-patch.py PHASE` makes one phase of a2a_ll's lines path run twice in
# every launch, with the same results (each phase is idempotent; its byte counters count the first
# pass only), so that the benchmark's difference against the unpatched build is what that phase
# puts on the critical path. PHASE: table (the dispatch's slot table), send (the dispatch's line
# stores), unpack (the dispatch's copy of landed lines into recv_rows), csend (the combine's list
# and line stores), sum (the combine's line sum).
import sys
p = '/work/main/ep_backend/src/a2a_ll.cu'
s = open(p).read()
phase = sys.argv[1]

def wrap(anchor, before_inner=''):
    global s
    assert s.count(anchor) == 1, anchor
    i = s.index(anchor)
    j = s.index('{', i)
    depth = 0
    for k in range(j, len(s)):
        if s[k] == '{':
            depth += 1
        elif s[k] == '}':
            depth -= 1
            if depth == 0:
                break
    s = (s[:i] + '#pragma unroll 1\nfor (int twice = 0; twice < 2; ++twice) {\n' + before_inner +
         s[i:k + 1] + '\n}' + s[k + 1:])

def rep(a, b):
    global s
    assert s.count(a) == 1, a
    s = s.replace(a, b)

if phase == 'table':
    wrap('''  if (lines_out && !expired) {
    // Note [The slot table of lines]''')
elif phase == 'send':
    wrap('''    for (int base = warp_id; base < units; base += warps * kLineUnroll) {''')
    rep('''          if (first_part) peer_bytes += row_bytes;''', '''          if (first_part && twice == 0) peer_bytes += row_bytes;''')
    rep('''            self_bytes += row_bytes;''', '''            if (twice == 0) self_bytes += row_bytes;''')
elif phase == 'unpack':
    wrap('''  for (int unit = warp_id; unit < units; unit += warps) {
    const int row = unit / line_groups;''')
elif phase == 'csend':
    wrap('''  for (int base = warp_id; any_takes_lines && !expired && listed(base, 0);) {''',
         '  if (twice > 0) load_entries(warp_id);\n')
    rep('''      if (line == 0 && part == 0)
        (entry[u].w == c.rank ? moved_self_lines : moved_lines) += row_bytes;''', '''      if (line == 0 && part == 0 && twice == 0)
        (entry[u].w == c.rank ? moved_self_lines : moved_lines) += row_bytes;''')
elif phase == 'sum':
    wrap('''    for (int unit = warp_id; unit < units; unit += warps) {
      const int token = unit / line_groups;''')
else:
    raise SystemExit('unknown phase ' + phase)
open(p, 'w').write(s)
