# Lines back: is the 1-8 row cost the lines-back loop's code? noloop drops the loop (results for
# sources that take lines back are then wrong: timing at 1-8 rows only).
cu = '/work/main/ep_backend/src/a2a_ll.cu'
s = open(cu).read()
a = '''    __syncwarp();
    for (int group = 0; group < line_groups; group += kLineUnroll) {
      uint64_t low_part[kLineUnroll], high_part[kLineUnroll];'''
b = '''    if (row >= 0) continue;
    for (int group = 0; group < line_groups; group += kLineUnroll) {
      uint64_t low_part[kLineUnroll], high_part[kLineUnroll];'''
assert s.count(a) == 1
open(cu, 'w').write(s.replace(a, b))
