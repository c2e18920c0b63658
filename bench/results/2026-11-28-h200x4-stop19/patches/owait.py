# Variant "owait": the dispatch's wait for the row path's words (every (local expert, source, part)
# word of a source that sends rows) as a __noinline__ function, so a block with nothing to wait
# for branches over a call instead of over the loop's code (folder 9: that branch's first pass
# cost 3,154 cycles).
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new):
    global s
    assert s.count(old) == 1, old
    s = s.replace(old, new)
sub("""  // Sources that send rows: every (local expert, source, part) word addressed to this rank.
  const int wait_words = local_experts * world * parts;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < wait_words; i += gridDim.x * blockDim.x) {
    const int part_index = i % parts;
    const int source = i / parts % world;
    const int local_expert = i / (parts * world);
    if (source_modes[source] & kSendsLines) continue;
    const uint64_t* flag = reinterpret_cast<const uint64_t*>(
        local_base + layout.DispatchFlag(local_expert, source, part_index));
    uint64_t word = 0;
    const bool arrived = WaitForWord(c, flag, want, source, i, &word);
    if (part_index == parts - 1) {
      p.recv_counts[local_expert * world + source] = arrived ? FlagWordCount(word) : 0;
    }
  }
""", """  // Sources that send rows: every (local expert, source, part) word addressed to this rank.
  const int wait_words = local_experts * world * parts;
  if (blockIdx.x * blockDim.x + threadIdx.x < wait_words) AwaitRowWords(p, source_modes, want);
""")
fn = """// Sources that send rows: every (local expert, source, part) word addressed to this rank, out of
// line (variant owait).
__device__ __noinline__ void AwaitRowWords(const DispatchParams& __restrict__ p,
                                           const int* source_modes, uint64_t want) {
  const KernelCommon& c = p.common;
  const A2aLlLayout& layout = c.layout;
  const int world = layout.shape.world;
  const int parts = layout.shape.dispatch_parts;
  const int wait_words = layout.local_experts * world * parts;
  const char* local_base = c.peers[c.rank];
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < wait_words; i += gridDim.x * blockDim.x) {
    const int part_index = i % parts;
    const int source = i / parts % world;
    const int local_expert = i / (parts * world);
    if (source_modes[source] & kSendsLines) continue;
    const uint64_t* flag = reinterpret_cast<const uint64_t*>(
        local_base + layout.DispatchFlag(local_expert, source, part_index));
    uint64_t word = 0;
    const bool arrived = WaitForWord(c, flag, want, source, i, &word);
    if (part_index == parts - 1) {
      p.recv_counts[local_expert * world + source] = arrived ? FlagWordCount(word) : 0;
    }
  }
}

"""
anchor = "// Note [Dispatch] and Note [Lines for small counts].\n"
sub(anchor, fn + anchor)
sub("DispatchKernel(const DispatchParams p) {", "DispatchKernel(const __grid_constant__ DispatchParams p) {")
open(path, "w").write(s)
