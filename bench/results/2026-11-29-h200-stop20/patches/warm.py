# Variant "warm" (timing): every thread reads each kernel parameter once before
# griddepcontrol.wait, so that the constant cache holds them when the kernel proceeds.
import sys
p = sys.argv[1]
s = open(p).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (old, s.count(old))
    s = s.replace(old, new)
helpers = r'''
template <typename T>
__device__ __forceinline__ uint64_t Bits(T value) {
  if constexpr (sizeof(T) == 8) {
    return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(value));
  } else {
    return static_cast<uint64_t>(value);
  }
}
__device__ __forceinline__ uint64_t TouchCommon(const KernelCommon& c) {
  const A2aLlLayout& l = c.layout;
  uint64_t t = static_cast<uint64_t>(l.shape.world) ^ l.shape.num_experts ^ l.shape.top_k ^
               l.shape.hidden ^ l.shape.capacity ^ l.shape.dispatch_parts ^
               l.shape.combine_group_blocks ^ l.shape.line_rows ^ l.shape.return_line_rows ^
               l.shape.rank_dedup_rows ^ l.local_experts ^ l.recv_rows_offset ^
               l.recv_origins_offset ^ l.dispatch_flags_offset ^ l.combine_rows_offset ^
               l.combine_flags_offset ^ l.line_counts_offset ^ l.dispatch_lines_offset ^
               l.combine_lines_offset ^ l.recv_copies_offset ^ l.recv_weights_offset ^
               l.window_bytes;
  t ^= Bits(c.deadline.record) ^ Bits(c.deadline.device_expired) ^ c.deadline.budget_ns ^
       Bits(c.counters) ^ c.rank ^ c.layer ^ c.jitter_max_ns;
#pragma unroll
  for (int i = 0; i < kA2aLlMaxWorld; ++i) t ^= Bits(c.peers[i]);
  return t;
}
'''
anchor = "// Note [Dispatch] and Note [Lines for small counts].\n"
sub(anchor, helpers + anchor)
sub("""    DispatchKernel(const DispatchParams p) {
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();""", """    DispatchKernel(const DispatchParams p) {
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  {
    const uint64_t t = TouchCommon(p.common) ^ Bits(p.x) ^ Bits(p.topk_ids) ^ Bits(p.num_rows) ^
                       Bits(p.weights) ^ p.rows ^ Bits(p.recv_counts) ^ Bits(p.sent_rows) ^
                       Bits(p.valid_pairs) ^ Bits(p.line_modes) ^ Bits(p.pair_routes) ^
                       Bits(p.line_sends) ^ p.line_send_rows ^ Bits(p.line_send_count) ^
                       Bits(p.partial_pairs) ^ Bits(p.members) ^ Bits(p.first_rows) ^
                       Bits(p.first_counts);
    if (t == 0x9e3779b97f4a7c15ull) __trap();  // uses t before the wait (never true here)
  }
  device_exchange::AwaitPredecessor();""")
sub("""CombineKernel(const CombineParams p) {
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  device_exchange::AwaitPredecessor();""", """CombineKernel(const CombineParams p) {
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
  {
    const uint64_t t = TouchCommon(p.common) ^ Bits(p.expert_out) ^ Bits(p.weights) ^ p.rows ^
                       Bits(p.recv_counts) ^ Bits(p.sent_rows) ^ Bits(p.valid_pairs) ^
                       Bits(p.line_modes) ^ Bits(p.pair_routes) ^ Bits(p.line_sends) ^
                       p.line_send_rows ^ Bits(p.line_send_count) ^ Bits(p.dispatch_epochs) ^
                       Bits(p.out) ^ Bits(p.partial_pairs) ^ Bits(p.members) ^
                       Bits(p.first_rows) ^ Bits(p.first_counts);
    if (t == 0x9e3779b97f4a7c15ull) __trap();  // uses t before the wait (never true here)
  }
  device_exchange::AwaitPredecessor();""")
open(p, "w").write(s)
