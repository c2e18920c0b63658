# ../2026-11-28-h200-loopback/trace-patch.py for a tree with the new slot table (its preamble
# stores the count after both loads): the same marks, one anchor moved.
import pathlib
here = pathlib.Path(__file__).resolve().parent
src = (here.parent / '2026-11-28-h200-loopback' / 'trace-patch.py').read_text()
old = """rep('''    if (blockIdx.x == 0) *p.sent_rows = rows;
    shared_expired = DeadlineExpiredOnDevice(c.deadline);
  }''','''    if (blockIdx.x == 0) *p.sent_rows = rows;
    shared_expired = DeadlineExpiredOnDevice(c.deadline);"""
new = """rep('''    shared_expired = expired_now;
    if (blockIdx.x == 0) *p.sent_rows = rows;
  }''','''    shared_expired = expired_now;
    if (blockIdx.x == 0) *p.sent_rows = rows;"""
assert src.count(old) == 1
exec(src.replace(old, new))
