// Device side of rule 3 (deadline.h): a wait for a peer's flag that gives up after a %globaltimer
// budget, records who it waited for, and makes every later wait on the same device exit at once.
// For .cu files only.
//
// Note [Bounded device waits]
// BoundedWait reads the device copy of the expired flag together with its first poll, and fails
// when the flag is set whatever the poll found: so a launch after an expiry costs one round trip
// per wait (the flag's and the poll's loads together), and a wait whose word has already landed
// costs one load's latency, not two in a row (a2a_ll's dispatch + combine at 1 row took 0.3 us
// less so on H200, bench/results/2026-11-28-h200-loopback). While polling it re-reads that flag and
// the timer every kCheckEvery polls (a poll is one acquire load, about a microsecond's fraction),
// so an expiry seen by any wait on the device ends every other wait within microseconds. The first
// wait to expire wins a compare-and-swap on the device flag and alone writes the mapped host record
// (layer, peer, source = kDeviceWait), publishing `expired` last with a system-scope release so the
// host never reads a half-written record. The waiting thread then returns false; the kernel skips
// the work that needed the flag and exits. A view with no device flag (default DeadlineView) is
// not a valid argument: launchers reject it on the host.
// An expiry is passed on: once a rank's deadline expired, its kernels publish a poison word in
// place of every flag they would have written, and a wait that reads one records the expiry with
// source kPeerExpired (naming the peer) and fails too, so a peer that was only slow never sums
// stale rows. The flag protocol chooses the poison value (a2a_ll_layout.h).
#pragma once

#include <cstdint>

#include "padgraph/graph_runtime/deadline.h"

namespace padgraph {

__device__ __forceinline__ uint64_t GlobalTimerNs() {
  uint64_t ns;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(ns));
  return ns;
}

__device__ __forceinline__ uint64_t LoadAcquireSys(const uint64_t* address) {
  uint64_t value;
  asm volatile("ld.acquire.sys.global.u64 %0, [%1];" : "=l"(value) : "l"(address) : "memory");
  return value;
}

__device__ __forceinline__ void StoreReleaseSys(uint64_t* address, uint64_t value) {
  asm volatile("st.release.sys.global.u64 [%0], %1;" ::"l"(address), "l"(value) : "memory");
}

__device__ __forceinline__ bool DeadlineExpiredOnDevice(const DeadlineView& deadline) {
  return *reinterpret_cast<volatile const int32_t*>(deadline.device_expired) != 0;
}

// Records an expiry of the wait for `peer` at `layer`; the first caller on this device wins.
__device__ __forceinline__ void ExpireDeadlineOnDevice(
    const DeadlineView& deadline, int layer, int peer,
    DeadlineSource source = DeadlineSource::kDeviceWait) {
  if (atomicCAS(deadline.device_expired, 0, 1) != 0) return;
  volatile DeadlineRecord* record = deadline.record;
  record->layer = layer;
  record->peer = peer;
  record->source = static_cast<int32_t>(source);
  __threadfence_system();
  asm volatile("st.release.sys.global.u32 [%0], %1;" ::"l"(&deadline.record->expired), "r"(1)
               : "memory");
}

// Polls `ready()` until it returns true (returns true) or the budget runs out or another wait
// on this device expired (returns false). `ready` does the acquire load itself.
template <typename Ready>
__device__ __forceinline__ bool BoundedWait(const DeadlineView& deadline, int layer, int peer,
                                            Ready&& ready) {
  constexpr uint32_t kCheckEvery = 64;
  const bool expired = DeadlineExpiredOnDevice(deadline);
  const bool landed = ready();
  if (expired) return false;
  if (landed) return true;
  const uint64_t start_ns = GlobalTimerNs();
  for (uint32_t polls = 1;; ++polls) {
    if (ready()) return true;
    if (polls % kCheckEvery == 0) {
      if (DeadlineExpiredOnDevice(deadline)) return false;
      if (GlobalTimerNs() - start_ns > deadline.budget_ns) {
        ExpireDeadlineOnDevice(deadline, layer, peer);
        return false;
      }
    }
  }
}

}  // namespace padgraph
