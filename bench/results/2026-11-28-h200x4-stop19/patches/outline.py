# Variant "outline[-SEL]": pieces of the row path and of rows once per rank as __noinline__ device
# functions (OUTLINE=D1,D2,C1,C2,C3 picks which), so that the code the lines path runs at 1-8 rows
# stays compact. D1 the dispatch's row sends (SendRows), D2 its rows-once copies (CopyOnceRows), C1
# the combine's partial sums (SendPartialSums), C2 its row sends (SendHeldRows), C3 its row sum
# (SumRows). The functions take the kernel's parameters (__grid_constant__) by reference:
# RESTRICT=1 (default) a __restrict__ one ("oref", run 3), RESTRICT=0 a plain one ("outline", run
# 2); COPY=1 a local copy of KernelCommon in each function ("oallc", run 3). "oref" and "outline"
# were built from an earlier form of this script: the same functions and calls, other local names.
import os, sys
sel = os.environ.get("OUTLINE", "D1,D2,C1,C2,C3").split(",")
restrict = "& __restrict__ p" if os.environ.get("RESTRICT", "1") == "1" else "& p"
copy = os.environ.get("COPY", "0") == "1"
path = sys.argv[1]
lines = open(path).read().split("\n")

def find(text, start=0):
    for i in range(start, len(lines)):
        if lines[i].startswith(text):
            return i
    raise SystemExit(f"not found: {text}")

DHEAD = """  const KernelCommon& c = p.common;
  const A2aLlLayout& layout = c.layout;
  const int world = layout.shape.world;
  const int top_k = layout.shape.top_k;
  const int lane = threadIdx.x % kWarpSize;
  const int warp_id = blockIdx.x * kWarpsPerBlock + threadIdx.x / kWarpSize;
  const int experts = layout.shape.num_experts;
  const int parts = layout.shape.dispatch_parts;
  const int words = layout.shape.hidden / 8;
  const int warps = gridDim.x * kWarpsPerBlock;
  const size_t row_bytes = layout.row_bytes();
  const int buffer = epoch & 1;
  const uint64_t want = FlagTag(epoch, c.layer);
  const int wait_words = layout.local_experts * world * parts;
  char* const local_base = c.peers[c.rank];
  (void)world, (void)top_k, (void)lane, (void)warp_id, (void)experts, (void)parts, (void)words;
  (void)warps, (void)row_bytes, (void)buffer, (void)want, (void)wait_words, (void)local_base;""".split("\n")
CHEAD = """  const KernelCommon& c = p.common;
  const A2aLlLayout& layout = c.layout;
  const int world = layout.shape.world;
  const int local_experts = layout.local_experts;
  const int top_k = layout.shape.top_k;
  const int lane = threadIdx.x % kWarpSize;
  const int warp = threadIdx.x / kWarpSize;
  const int group_blocks = layout.shape.combine_group_blocks;
  const int words = layout.shape.hidden / 8;
  const size_t row_bytes = layout.row_bytes();
  const char* local_base = c.peers[c.rank];
  char* peer_window = c.peers[peer];
  const int buffer = epoch & 1;
  const int line_group = lane / lines::kLanesPerLine;
  const int part = lane % lines::kLanesPerLine;
  const int lines_per_row = layout.lines_per_row();
  const int line_groups = (lines_per_row + lines::kLinesPerWarp - 1) / lines::kLinesPerWarp;
  const char* expert_out = reinterpret_cast<const char*>(p.expert_out);
  unsigned long long moved_rows = 0;
  (void)world, (void)local_experts, (void)top_k, (void)lane, (void)warp, (void)group_blocks;
  (void)words, (void)row_bytes, (void)local_base, (void)peer_window, (void)buffer, (void)line_group;
  (void)part, (void)lines_per_row, (void)line_groups, (void)expert_out;""".split("\n")

if copy:
    DHEAD[0] = CHEAD[0] = "  const KernelCommon c = p.common;  // a copy: its fields stay in registers"
functions = []
# Dispatch.
d1 = find("  } else if (!lines_out) {")
d1_end = find("  // Receive. Each source's mode", d1) - 1
assert lines[d1_end] == "  }"
d2 = find("  // Note [Rows once per rank]: the rows that sources sent once for several")
d2_end = find("  if (lane == 0) AddCount(c.counters + kDispatchCopied, copied_bytes);", d2)
# Combine.
c1 = find("  const int chunks = (words + kWarpSize * kPartialWords - 1) / (kWarpSize * kPartialWords);")
c1_end = find("  // The rows held for `peer` when it sent rows", c1) - 1
c2 = find("  for (int row = group_block * kWarpsPerBlock + warp; row < total;", c1_end)
c2_end = find("  // Per-block completion: the block's rows", c2)
c3 = find("  // out[t] = sum_k w[t, k] * y[t, k] over the pairs that were sent, fp32 in k order.", c2_end)
c3_end = find("// LaunchEgressProbe", c3) - 2
assert lines[c3_end] == "}"

out = []
def emit(a, b):
    out.extend(lines[a:b])

emit(0, d1)
if "D1" in sel:
    functions += ["__device__ __noinline__ ulonglong2 SendRows(const DispatchParams" + restrict + ", int rows, bool once, bool lines_back, bool expired, uint32_t epoch) {"] + DHEAD + ["  unsigned long long peer_bytes = 0, self_bytes = 0;"] + lines[d1 + 1:d1_end] + ["  return make_ulonglong2(peer_bytes, self_bytes);", "}", ""]
    out += ["  } else if (!lines_out) {",
            "    const ulonglong2 sent = SendRows(p, rows, once, lines_back, expired, epoch);",
            "    peer_bytes = sent.x;", "    self_bytes = sent.y;", "  }"]
else:
    emit(d1, d1_end + 1)
emit(d1_end + 1, d2)
if "D2" in sel:
    body = [l.replace("any_sends_once && !expired && item < wait_words", "item < wait_words") for l in lines[d2:d2_end]]
    functions += ["__device__ __noinline__ unsigned long long CopyOnceRows(const DispatchParams" + restrict + ", const int* source_modes, uint32_t epoch) {"] + DHEAD + body + ["  return copied_bytes;", "}", ""]
    out += ["  const unsigned long long copied_bytes =",
            "      any_sends_once && !expired ? CopyOnceRows(p, source_modes, epoch) : 0;"]
else:
    emit(d2, d2_end)
emit(d2_end, c1)
if "C1" in sel:
    body = [l.replace("expired || !partial_sums ? 0 : first_count * chunks", "first_count * chunks") for l in lines[c1:c1_end]
            if not l.startswith("  const int first_count =") and not l.startswith("      partial_sums ? __ldcg(p.first_counts")]
    functions += ["__device__ __noinline__ unsigned long long SendPartialSums(const CombineParams" + restrict + ", int peer, int group_block, int first_count, uint32_t epoch) {"] + CHEAD + body + ["  return moved_rows;", "}", ""]
    out += ["  const int first_count =",
            "      partial_sums ? __ldcg(p.first_counts + (dispatch_epoch & 1) * world + peer) : 0;",
            "  if (partial_sums && !expired && first_count > 0)",
            "    moved_rows += SendPartialSums(p, peer, group_block, first_count, epoch);", ""]
    emit(c1_end + 1, c2)
else:
    emit(c1, c2)
if "C2" in sel:
    functions += ["__device__ __noinline__ unsigned long long SendHeldRows(const CombineParams" + restrict + ", const int* prefix, int total, int peer, int group_block, bool peer_takes_lines, uint32_t epoch) {"] + CHEAD + lines[c2:c2_end] + ["  return moved_rows;", "}", ""]
    out += ["  if (total > 0)",
            "    moved_rows += SendHeldRows(p, prefix, total, peer, group_block, peer_takes_lines, epoch);"]
else:
    emit(c2, c2_end)
emit(c2_end, c3)
if "C3" in sel:
    functions += ["__device__ __noinline__ void SumRows(const CombineParams" + restrict + ", int rows) {",
                  "  const A2aLlLayout& layout = p.common.layout;",
                  "  const int top_k = layout.shape.top_k;",
                  "  const int words = layout.shape.hidden / 8;",
                  "  const char* local_base = p.common.peers[p.common.rank];"] + lines[c3:c3_end] + ["}", ""]
    out += ["  SumRows(p, rows);"]
else:
    emit(c3, c3_end)
emit(c3_end, len(lines))
s = "\n".join(out)
k = s.index("// Note [Dispatch] and Note [Lines for small counts].")
s = s[:k] + "\n".join(functions) + "\n" + s[k:]
if "D1" in sel or "D2" in sel:
    s = s.replace("DispatchKernel(const DispatchParams p) {", "DispatchKernel(const __grid_constant__ DispatchParams p) {")
if "C1" in sel or "C2" in sel or "C3" in sel:
    s = s.replace("CombineKernel(const CombineParams p) {", "CombineKernel(const __grid_constant__ CombineParams p) {")
open(path, "w").write(s)
