# Diagnostic "cweak" (timing only): the combine's line sends from its list store with a weak
# st.global.v2.u64 instead of st.volatile.
import sys
path = sys.argv[1]
s = open(path).read()
old = """      if (part == lines::kTagLane) high[u] = FlagWord(epoch, c.layer, 0);
      Jitter(c.jitter_max_ns, unit * 613u + part);
      lines::StoreLinePart(reinterpret_cast<uint64_t*>("""
assert s.count(old) == 1
s = s.replace(old, """      if (part == lines::kTagLane) high[u] = FlagWord(epoch, c.layer, 0);
      Jitter(c.jitter_max_ns, unit * 613u + part);
      StoreLinePartWeak(reinterpret_cast<uint64_t*>(""")
anchor = "// Note [Dispatch] and Note [Lines for small counts].\n"
s = s.replace(anchor, """__device__ __forceinline__ void StoreLinePartWeak(uint64_t* address, uint64_t low, uint64_t high) {
  asm volatile("st.global.v2.u64 [%0], {%1, %2};" ::"l"(address), "l"(low), "l"(high) : "memory");
}
""" + anchor)
open(path, "w").write(s)
