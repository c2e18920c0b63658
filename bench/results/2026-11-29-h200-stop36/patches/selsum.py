# Stop 36: the narrow line sum adds every pair, with its weight and its word selected to 0 where
# the pair is not valid, instead of predicating the adds (bit for bit the same: the sum starts at
# +0 and never becomes -0, and fmaf(0, 0, s) is s). argv[1]: a2a_ll.cu.
import sys
p = sys.argv[1]
s = open(p).read()
old = """          if (valid >> k & 1u) {
            const uint32_t word = reinterpret_cast<const uint32_t*>(pair_word_quads)[k];
            const float weight_k = reinterpret_cast<const float*>(weight_quads)[k];
            const float2 f = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(&word));
            sum[0] = fmaf(weight_k, f.x, sum[0]);
            sum[1] = fmaf(weight_k, f.y, sum[1]);
          }
"""
new = """          const bool take = valid >> k & 1u;
          const uint32_t word = take ? reinterpret_cast<const uint32_t*>(pair_word_quads)[k] : 0u;
          const float weight_k = take ? reinterpret_cast<const float*>(weight_quads)[k] : 0.0f;
          const float2 f = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(&word));
          sum[0] = fmaf(weight_k, f.x, sum[0]);
          sum[1] = fmaf(weight_k, f.y, sum[1]);
"""
assert s.count(old) == 1
s = s.replace(old, new)
open(p, "w").write(s)
