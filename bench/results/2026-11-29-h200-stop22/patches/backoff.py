# Diagnostic variant "ns<N>" (timing only): every failed poll of a flag word (WaitForWord) and of
# lines (AwaitLineParts) sleeps __nanosleep(N) before the next, N from PG_NS; the jitter hooks of
# the stress tests are left out of the word wait (the benchmark runs without jitter).
import os, sys
path = sys.argv[1]
ns = int(os.environ["PG_NS"])
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""  return device_exchange::WaitForWord(c.deadline, c.layer, c.jitter_max_ns, flag, want, peer, salt,
                                      word);
}""", """  bool poisoned = false, first = true;
  const bool arrived = BoundedWait(c.deadline, c.layer, peer, [&] {
    if (!first) __nanosleep(%d);
    first = false;
    *word = LoadAcquireSys(flag);
    poisoned = *word == kA2aLlPoisonWord;
    return poisoned || FlagWordTag(*word) == want;
  });
  if (poisoned) ExpireDeadlineOnDevice(c.deadline, c.layer, peer, DeadlineSource::kPeerExpired);
  return arrived && !poisoned;
}""" % ns)
sub("""    Jitter(c.jitter_max_ns / 4, salt + polls);
""", """    Jitter(c.jitter_max_ns / 4, salt + polls);
    __nanosleep(%d);
""" % ns)
open(path, "w").write(s)
