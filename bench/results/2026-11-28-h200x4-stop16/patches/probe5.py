# Is lines back's 1-8 row cost the larger combine_lines section? off: return_line_rows resolved
# to line_rows (the window as before lines back), 83c9acf's code otherwise.
lay = '/work/main/ep_backend/include/padgraph/ep_backend/a2a_ll_layout.h'
s = open(lay).read()
a = 'const int wanted = option == kA2aLlReturnLineRowsAuto ? max_sms : option;'
assert s.count(a) == 1
open(lay, 'w').write(s.replace(a, 'const int wanted = option == kA2aLlReturnLineRowsAuto ? line_rows : option;'))
