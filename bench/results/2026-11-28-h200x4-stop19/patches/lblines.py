# Benchmark variant (timing of loopback a2a_ll only): the loopback a2a_ll instances send lines up
# to 32 rows (line_rows 32, return_line_rows 32) instead of line_rows 4 at their 16 SMs, so that
# loopback ranks run the lines path with several (row, four lines) units per warp at 8-32 rows.
import sys
path = sys.argv[1]
s = open(path).read()
old = """    A2aLlOptions options = A2aLlOptionsFor(kLoopbackSms);
    PADGRAPH_ASSIGN_OR_RETURN(loopback_a2a_, A2aLl::CreateLoopback(world_, options));"""
new = """    A2aLlOptions options = A2aLlOptionsFor(kLoopbackSms);
    options.line_rows = 32;
    options.return_line_rows = 32;
    PADGRAPH_ASSIGN_OR_RETURN(loopback_a2a_, A2aLl::CreateLoopback(world_, options));"""
assert s.count(old) == 1
open(path, "w").write(s.replace(old, new))
