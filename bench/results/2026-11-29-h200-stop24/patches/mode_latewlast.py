import sys
open("/tmp/sass/reorder_mode","w").write("latewlast")
