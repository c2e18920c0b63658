# Diagnostic, on top of timeline.py: the dispatch's stamps 10 (the slot table's barrier passed) and
# 11 (block 0's stores for the combine issued, before the words), in the timeline's roles.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("""        invalid += valid ? 0 : 1;
      }
    }
    __syncthreads();
  }
""", """        invalid += valid ? 0 : 1;
      }
    }
    __syncthreads();
  }
  PG_T(10)
""")
sub("""    AddCount(c.counters + kInvalidPairs, invalid);
  }
""", """    AddCount(c.counters + kInvalidPairs, invalid);
  }
  PG_T(11)
""")
open(path, "w").write(s)
