// Stop 25 probe (one H200): how fast an SM's 128-byte line stores drain, and whether a load waits
// behind them. Each block of 16 warps has `storing` warps that each store `units` warp units of
// four lines (512 bytes, one st.v2.u64 per lane, the line sends' shape) to their own part of a
// buffer, volatile (st.volatile, as a2a_ll's line stores) or weak. Then, in clock64 from the
// block's start: warp 0's last store issued; a load by warp 0 after its stores (an address the
// block loaded before, an L2 hit); warp 15's load of another such address once warp 0 says it has
// issued its stores (warp 15 stores nothing when storing < 16); the last storing warp's
// __threadfence() done (each storing warp's lane 0 fences after its stores; warp 0 after its load).
// Medians over the blocks of 19 launches (a first one warms up).
//   nvcc -O3 -arch=sm_90 -std=c++17 -o store_drain_probe store_drain_probe.cu
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace {

constexpr int kWarps = 16;
constexpr int kUnitBytes = 512;
constexpr int kMaxUnits = 64;
constexpr int kLaunches = 20;

struct Stamps {
  long long issued, load_after, other_load, drained;
};

template <bool kVolatile>
__global__ void __launch_bounds__(kWarps * 32, 1)
    Probe(char* buffer, const unsigned long long* warm, int storing, int units, Stamps* out) {
  __shared__ volatile int stores_issued;
  __shared__ volatile unsigned long long sink;
  __shared__ unsigned long long drained;
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (threadIdx.x == 0) {
    stores_issued = 0;
    drained = 0;
  }
  // Both probe addresses into L2 (and this SM's L1 not: ld.global.cg below).
  if (lane == 0 && (warp == 0 || warp == kWarps - 1)) sink = __ldcg(warm + blockIdx.x * 64 + warp);
  __syncthreads();
  const long long start = clock64();
  if (warp < storing) {
    char* mine =
        buffer + (static_cast<size_t>(blockIdx.x) * kWarps + warp) * kMaxUnits * kUnitBytes;
    for (int u = 0; u < units; ++u) {
      uint64_t* at = reinterpret_cast<uint64_t*>(mine + u * kUnitBytes + lane * 16);
      const uint64_t low = static_cast<uint64_t>(u) << 32 | lane, high = ~low;
      if (kVolatile) {
        asm volatile("st.volatile.global.v2.u64 [%0], {%1, %2};" ::"l"(at), "l"(low), "l"(high)
                     : "memory");
      } else {
        asm volatile("st.global.v2.u64 [%0], {%1, %2};" ::"l"(at), "l"(low), "l"(high) : "memory");
      }
    }
  }
  if (warp == 0 && lane == 0) {
    const long long issued = clock64();
    stores_issued = 1;
    sink = __ldcg(warm + blockIdx.x * 64);
    const long long load_after = clock64();
    out[blockIdx.x].issued = issued - start;
    out[blockIdx.x].load_after = load_after - issued;
  }
  if (warp < storing && lane == 0) {
    __threadfence();
    atomicMax(&drained, static_cast<unsigned long long>(clock64() - start));
  }
  if (warp == kWarps - 1 && lane == 0) {
    while (stores_issued == 0) {
    }
    const long long seen = clock64();
    sink = __ldcg(warm + blockIdx.x * 64 + kWarps - 1);
    out[blockIdx.x].other_load = clock64() - seen;
  }
  __syncthreads();
  if (threadIdx.x == 0) out[blockIdx.x].drained = static_cast<long long>(drained);
}

long long Median(std::vector<long long> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main() {
  int sms = 0;
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
  const int blocks_list[] = {32, sms};
  char* buffer = nullptr;
  unsigned long long* warm = nullptr;
  Stamps* out = nullptr;
  const size_t buffer_bytes = static_cast<size_t>(sms) * kWarps * kMaxUnits * kUnitBytes;
  if (cudaMalloc(&buffer, buffer_bytes) != cudaSuccess ||
      cudaMalloc(&warm, sms * 64 * sizeof(unsigned long long)) != cudaSuccess ||
      cudaMalloc(&out, sms * sizeof(Stamps)) != cudaSuccess) {
    std::fprintf(stderr, "cudaMalloc failed\n");
    return 1;
  }
  cudaMemset(warm, 0, sms * 64 * sizeof(unsigned long long));
  std::printf(
      "stores blocks storing_warps units KB_per_SM | issued load_after other_load drained "
      "(cycles, medians) | B_per_cycle_drained\n");
  for (const bool vol : {true, false}) {
    for (const int blocks : blocks_list) {
      for (const int storing : {1, 8, 15, 16}) {
        for (const int units : {1, 4, 16, 64}) {
          std::vector<long long> issued, load_after, other, drained;
          for (int launch = 0; launch < kLaunches; ++launch) {
            if (vol) {
              Probe<true><<<blocks, kWarps * 32>>>(buffer, warm, storing, units, out);
            } else {
              Probe<false><<<blocks, kWarps * 32>>>(buffer, warm, storing, units, out);
            }
            std::vector<Stamps> host(blocks);
            if (cudaMemcpy(host.data(), out, blocks * sizeof(Stamps), cudaMemcpyDeviceToHost) !=
                cudaSuccess) {
              std::fprintf(stderr, "launch failed: %s\n", cudaGetErrorString(cudaGetLastError()));
              return 1;
            }
            if (launch == 0) continue;  // code and TLB warm-up
            for (const Stamps& s : host) {
              issued.push_back(s.issued);
              load_after.push_back(s.load_after);
              other.push_back(storing < kWarps ? s.other_load : -1);
              drained.push_back(s.drained);
            }
          }
          const double bytes = static_cast<double>(storing) * units * kUnitBytes;
          std::printf("%s %d %d %d %.1f | %lld %lld %lld %lld | %.1f\n", vol ? "volatile" : "weak",
                      blocks, storing, units, bytes / 1024, Median(issued), Median(load_after),
                      Median(other), Median(drained), bytes / Median(drained));
        }
      }
    }
  }
  return 0;
}
