# Variant "sum2w": the combine's final sum with 2 words per thread (16 loads in flight), the
# thread's words w and w + half a row apart so that a warp's loads stay contiguous.
import sys
p = sys.argv[1]; s = open(p).read()
a = s.index("  const size_t items = static_cast<size_t>(rows) * words;")
b = s.index("// LaunchEgressProbe: blocks split evenly over the peers")
new = '''  constexpr int kSumWords = 2;
  const int spans = (words + kSumWords - 1) / kSumWords;
  const size_t items = static_cast<size_t>(rows) * spans;
  for (size_t item = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; item < items;
       item += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const int token = static_cast<int>(item / spans);
    const int first = static_cast<int>(item % spans);
    const float* weights = p.weights + static_cast<size_t>(token) * top_k;
    const uint32_t valid = p.valid_pairs[token];
    const uint32_t partial = p.partial_pairs[token];
    float sum[kSumWords][8] = {};
    for (int k0 = 0; k0 < top_k; k0 += kReduceLoads) {
      uint4 value[kReduceLoads][kSumWords];
      float weight[kReduceLoads];
#pragma unroll
      for (int u = 0; u < kReduceLoads; ++u) {
        if (k0 + u < top_k) {
#pragma unroll
          for (int w = 0; w < kSumWords; ++w) {
            const int word = first + w * spans;
            value[u][w] = word < words ? __ldcg(reinterpret_cast<const uint4*>(
                                             local_base + layout.CombineRow(token, k0 + u)) + word)
                                       : make_uint4(0, 0, 0, 0);
          }
          weight[u] = partial >> (k0 + u) & 1u ? 1.0f : __ldg(weights + k0 + u);
        }
      }
#pragma unroll
      for (int u = 0; u < kReduceLoads; ++u) {
        if (k0 + u < top_k && (valid >> (k0 + u) & 1u)) {
#pragma unroll
          for (int w = 0; w < kSumWords; ++w)
            AddWeighted(value[u][w], weight[u], sum[w]);
        }
      }
    }
#pragma unroll
    for (int w = 0; w < kSumWords; ++w) {
      const int word = first + w * spans;
      if (word < words) p.out[static_cast<size_t>(token) * words + word] = PackBf16(sum[w]);
    }
  }
}

'''
s = s[:a] + new + s[b:]
open(p, "w").write(s)
