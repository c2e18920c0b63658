# Variant "cpre": thread 0 of each block loads one word of every 32 bytes of the kernel's
# parameters before griddepcontrol.wait (while the launch waits for its predecessor), so that the
# constant cache holds them all when the work starts.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
helper = r'''
template <typename Params>
__device__ __forceinline__ void TouchParams(const Params& p) {
  __shared__ uint32_t touched;
  if (threadIdx.x == 0) {
    const uint32_t* words = reinterpret_cast<const uint32_t*>(&p);
    uint32_t sum = 0;
#pragma unroll
    for (int i = 0; i < static_cast<int>(sizeof(Params) / 4); i += 8) sum ^= words[i];
    *reinterpret_cast<volatile uint32_t*>(&touched) = sum;
  }
}

'''
anchor = "// Note [Dispatch] and Note [Lines for small counts].\n"
sub(anchor, helper + anchor)
sub("""    DispatchKernel(const DispatchParams p) {
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
""", """    DispatchKernel(const DispatchParams p) {
  TouchParams(p);
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
""")
sub("""CombineKernel(const CombineParams p) {
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
""", """CombineKernel(const CombineParams p) {
  TouchParams(p);
  const uint32_t last_epoch = device_exchange::OwnLaunchCounter(p.epochs);
""")
open(path, "w").write(s)
