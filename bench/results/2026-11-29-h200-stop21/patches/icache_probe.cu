// Instruction-fetch probe: cycles of a kernel's first pass over its code against a second pass in
// the same launch, with the kernel launched back to back or alternated with another kernel.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#define CHECK(x)                                                            \
  do {                                                                      \
    cudaError_t e = (x);                                                    \
    if (e != cudaSuccess) {                                                 \
      std::printf("%s:%d %s\n", __FILE__, __LINE__, cudaGetErrorString(e)); \
      std::exit(1);                                                         \
    }                                                                       \
  } while (0)

template <int N>
__device__ __forceinline__ void Chain(float (&a)[8], float b, int salt) {
#pragma unroll
  for (int i = 0; i < N; ++i)
    a[i & 7] = fmaf(a[i & 7], 1.0f + (i + salt * 8191) * 1e-9f, b);
}

__device__ __forceinline__ long long Clock() {
  long long t;
  asm volatile("mov.u64 %0, %%clock64;" : "=l"(t)::"memory");
  return t;
}

// kBlocks pieces: kExec FMAs run, then kSkip FMAs behind a branch never taken (mask 0).
template <int kBlocks, int kExec, int kSkip, int kSalt>
__global__ void Probe(float* out, long long* stamps, float b, int passes, unsigned mask) {
  float a[8];
#pragma unroll
  for (int j = 0; j < 8; ++j)
    a[j] = threadIdx.x + j;
#pragma unroll 1
  for (int pass = 0; pass < passes; ++pass) {
    const long long start = Clock();
#pragma unroll
    for (int i = 0; i < kBlocks; ++i) {
      Chain<kExec>(a, b, kSalt * 256 + i);
      if (kSkip > 0 && (mask >> (i & 31) & 1u)) Chain<kSkip>(a, b + 1, kSalt * 256 + 128 + i);
    }
    const long long end = Clock();
    if (threadIdx.x == 0 && pass < 2) stamps[blockIdx.x * 2 + pass] = end - start;
  }
  float s = 0;
#pragma unroll
  for (int j = 0; j < 8; ++j)
    s += a[j];
  if (s == 1234.5f) out[threadIdx.x] = s;
}

using Kernel = void (*)(float*, long long*, float, int, unsigned);

struct Case {
  const char* name;
  Kernel kernel;
  int kb;  // code bytes of the pass, approximately
};

int main() {
  const Case cases[] = {
      {"straight 9KB", Probe<8, 64, 0, 1>, 8},
      {"straight 33KB", Probe<32, 64, 0, 2>, 32},
      {"straight 65KB", Probe<64, 64, 0, 3>, 64},
      {"straight 129KB*", Probe<96, 64, 0, 4>, 96},
      {"straight 257KB*", Probe<128, 64, 0, 5>, 128},
      {"branchy 32x(8 run,56 skip)=34KB", Probe<32, 8, 56, 6>, 32},
      {"branchy 64x(8 run,56 skip)=68KB", Probe<64, 8, 56, 7>, 64},
      {"branchy 64x(2 run,14 skip)=20KB", Probe<64, 2, 14, 8>, 16},
  };
  const Case others[] = {
      {"none", nullptr, 0},
      {"other 33KB", Probe<32, 64, 0, 9>, 32},
      {"other 65KB", Probe<64, 64, 0, 10>, 64},
      {"other 129KB", Probe<96, 64, 0, 11>, 96},
  };
  int sms = 0;
  CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  float* out;
  long long* stamps;
  CHECK(cudaMalloc(&out, 4096));
  CHECK(cudaMalloc(&stamps, sms * 2 * sizeof(long long)));
  for (int threads : {32, 256}) {
    std::printf(
        "\nthreads %d, %d blocks; cycles of pass 0 / pass 1 (median of blocks x 20 launches)\n",
        threads, sms);
    std::printf("%-36s %-12s %10s %10s %10s\n", "kernel", "between", "pass0", "pass1", "extra");
    for (const Case& c : cases) {
      for (const Case& o : others) {
        std::vector<long long> p0, p1;
        std::vector<long long> host(sms * 2);
        for (int it = 0; it < 30; ++it) {
          if (o.kernel) o.kernel<<<sms, threads>>>(out, stamps + 0, 1.0f, 1, 0u);
          CHECK(cudaDeviceSynchronize());
          c.kernel<<<sms, threads>>>(out, stamps, 0.5f, 2, 0u);
          CHECK(cudaDeviceSynchronize());
          CHECK(cudaMemcpy(host.data(), stamps, host.size() * 8, cudaMemcpyDeviceToHost));
          if (it < 10) continue;
          for (int blk = 0; blk < sms; ++blk) {
            p0.push_back(host[blk * 2]);
            p1.push_back(host[blk * 2 + 1]);
          }
        }
        std::nth_element(p0.begin(), p0.begin() + p0.size() / 2, p0.end());
        std::nth_element(p1.begin(), p1.begin() + p1.size() / 2, p1.end());
        const long long m0 = p0[p0.size() / 2], m1 = p1[p1.size() / 2];
        std::printf("%-36s %-12s %10lld %10lld %10lld\n", c.name, o.name, m0, m1, m0 - m1);
      }
    }
  }
  return 0;
}
