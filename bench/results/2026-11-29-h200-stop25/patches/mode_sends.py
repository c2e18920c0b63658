import sys
open("/tmp/late_mode","w").write("sends")
