# a2a_ll_test_diag (folder 10): from the repository root at e5e88b5, apply
# counter-jitter-a2a-ll.py, then this: a printf of every block's epoch, count and modes in the
# first two launches, and of any token whose pairs are not all valid.
p='ep_backend/src/a2a_ll.cu'
s=open(p).read()
def rep(old,new):
    global s
    assert s.count(old)==1, old
    s=s.replace(old,new)
# dispatch epoch check
rep('''  const uint32_t epoch = shared_epoch;
  const int buffer = epoch & 1;
  const int rows = shared_rows;''','''  const uint32_t epoch = shared_epoch;
  if (threadIdx.x == 0 && epoch <= 2 && c.jitter_max_ns > 0)
    printf("DIAG dispatch rank %d block %d epoch %u layer %d rows %d\\n", c.rank, blockIdx.x, epoch, c.layer, shared_rows);
  const int buffer = epoch & 1;
  const int rows = shared_rows;''')
# combine
rep('''  const int buffer = epoch & 1;
  const bool expired = shared_expired != 0;
  const int words = layout.shape.hidden / 8;''','''  const int buffer = epoch & 1;
  if (threadIdx.x == 0 && epoch <= 2 && c.jitter_max_ns > 0)
    printf("DIAG combine rank %d block %d epoch %u layer %d dispatch_epoch %d listed %d rows %d modes %d %d\\n", c.rank, blockIdx.x, epoch, c.layer, dispatch_epoch, listed_rows, shared_rows, source_takes_lines[0], source_takes_lines[1]);
  const bool expired = shared_expired != 0;
  const int words = layout.shape.hidden / 8;''')
rep('''      const uint32_t valid = __ldcg(p.valid_pairs + token);''','''      const uint32_t valid = __ldcg(p.valid_pairs + token);
      if (lane == 0 && epoch <= 2 && c.jitter_max_ns > 0 && valid != 0xff)
        printf("DIAG sum rank %d epoch %u token %d valid %x unit %d\\n", c.rank, epoch, token, valid, unit);''')
open(p,'w').write(s)
