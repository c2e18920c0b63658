# Diagnostic variant "sm32" (benchmark only): loopback ranks at 32 SMs each where the GPU holds
# them (2 ranks: the budget of the NVLink runs, where line_rows is 8).
import sys
path = sys.argv[2]
s = open(path).read()
old = "constexpr int kLoopbackSms = 16;"
assert s.count(old) == 1
open(path, "w").write(s.replace(old, "constexpr int kLoopbackSms = 32;"))
