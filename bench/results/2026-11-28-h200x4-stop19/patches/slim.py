# Variant "slim": the waits' and the jitter's code shared instead of inlined at every use, so the
# kernels' paths at small counts cross fewer cold instruction lines: device_exchange::WaitForWord
# and ExpireDeadlineOnDevice as __noinline__ functions, and Jitter's sleep out of line (its check of
# max_ns stays inline).
import sys
root = sys.argv[1]
def edit(path, pairs):
    s = open(path).read()
    for old, new in pairs:
        assert s.count(old) == 1, (path, old)
        s = s.replace(old, new)
    open(path, "w").write(s)
edit(root + "/ep_backend/src/device_exchange.cuh", [
    ("""__device__ __forceinline__ void Jitter(uint32_t max_ns, uint32_t salt) {
  if (max_ns == 0) return;
  const uint32_t h =
      Mix(salt ^ static_cast<uint32_t>(clock64()) ^ (blockIdx.x << 20) ^ (threadIdx.x << 8));
  __nanosleep(h % max_ns);
}""", """inline __device__ __noinline__ void JitterSleep(uint32_t max_ns, uint32_t salt) {
  const uint32_t h =
      Mix(salt ^ static_cast<uint32_t>(clock64()) ^ (blockIdx.x << 20) ^ (threadIdx.x << 8));
  __nanosleep(h % max_ns);
}
__device__ __forceinline__ void Jitter(uint32_t max_ns, uint32_t salt) {
  if (max_ns != 0) JitterSleep(max_ns, salt);
}"""),
    ("""__device__ __forceinline__ bool WaitForWord(const DeadlineView& deadline, int layer,""",
     """inline __device__ __noinline__ bool WaitForWord(const DeadlineView& deadline, int layer,"""),
])
edit(root + "/graph_runtime/include/padgraph/graph_runtime/bounded_wait.cuh", [
    ("""__device__ __forceinline__ void ExpireDeadlineOnDevice(""",
     """inline __device__ __noinline__ void ExpireDeadlineOnDevice("""),
])
# By value, not by reference: a reference into the kernel's parameters made every kernel copy them
# to its stack (416-440 bytes), and the word comes back in registers, not through a pointer.
edit(root + "/ep_backend/src/device_exchange.cuh", [
    ("""inline __device__ __noinline__ bool WaitForWord(const DeadlineView& deadline, int layer,
                                            uint32_t jitter_max_ns, const uint64_t* flag,
                                            uint64_t want, int peer, uint32_t salt,
                                            uint64_t* word) {
  bool poisoned = false;
  const bool arrived = BoundedWait(deadline, layer, peer, [&] {
    Jitter(jitter_max_ns / 4, salt);
    *word = LoadAcquireSys(flag);
    poisoned = *word == kA2aLlPoisonWord;
    return poisoned || FlagWordTag(*word) == want;
  });
  if (poisoned) ExpireDeadlineOnDevice(deadline, layer, peer, DeadlineSource::kPeerExpired);
  return arrived && !poisoned;
}""", """struct WaitedWord {
  uint64_t word;
  bool arrived;
};
inline __device__ __noinline__ WaitedWord WaitForWordOutOfLine(DeadlineView deadline, int layer,
                                                               uint32_t jitter_max_ns,
                                                               const uint64_t* flag, uint64_t want,
                                                               int peer, uint32_t salt) {
  bool poisoned = false;
  uint64_t word = 0;
  const bool arrived = BoundedWait(deadline, layer, peer, [&] {
    Jitter(jitter_max_ns / 4, salt);
    word = LoadAcquireSys(flag);
    poisoned = word == kA2aLlPoisonWord;
    return poisoned || FlagWordTag(word) == want;
  });
  if (poisoned) ExpireDeadlineOnDevice(deadline, layer, peer, DeadlineSource::kPeerExpired);
  return {word, arrived && !poisoned};
}
__device__ __forceinline__ bool WaitForWord(const DeadlineView& deadline, int layer,
                                            uint32_t jitter_max_ns, const uint64_t* flag,
                                            uint64_t want, int peer, uint32_t salt,
                                            uint64_t* word) {
  const WaitedWord waited =
      WaitForWordOutOfLine(deadline, layer, jitter_max_ns, flag, want, peer, salt);
  *word = waited.word;
  return waited.arrived;
}"""),
])
edit(root + "/graph_runtime/include/padgraph/graph_runtime/bounded_wait.cuh", [
    ("""inline __device__ __noinline__ void ExpireDeadlineOnDevice(
    const DeadlineView& deadline, int layer, int peer,""",
     """inline __device__ __noinline__ void ExpireDeadlineOnDevice(
    DeadlineView deadline, int layer, int peer,"""),
])
