# Is lines back's 1-8 row cost the row path's pair_routes loop (16 unrolled divisions)? nopr: the
# loop left out (pair_routes is read only by waits that run long); prld: a rolled loop that loads
# each id again instead of indexing id[].
import sys
cu = '/work/main/ep_backend/src/a2a_ll.cu'
s = open(cu).read()
a = '''      // (Unrolled: id[] stays in registers.)
#pragma unroll
      for (int k = 0; k < kA2aLlMaxTopK; ++k) {
        const int owner = mask >> k & 1u ? layout.OwnerOf(id[k]) : c.rank;
        if (lines_back && k < top_k) {
          p.pair_routes[token * top_k + k] = owner == c.rank ? 0 : -1 - owner;
        }
      }
'''
assert s.count(a) == 1
b = {'nopr': '',
     'prld': '''      // (Each id loaded again: indexing id[] would put it on the stack.)
      for (int k = 0; lines_back && k < top_k; ++k) {
        const int32_t expert = __ldg(p.topk_ids + static_cast<size_t>(token) * top_k + k);
        const int owner = mask >> k & 1u ? layout.OwnerOf(expert) : c.rank;
        p.pair_routes[token * top_k + k] = owner == c.rank ? 0 : -1 - owner;
      }
'''}[sys.argv[1]]
open(cu, 'w').write(s.replace(a, b))
