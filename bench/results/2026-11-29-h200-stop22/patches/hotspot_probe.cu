// Stop 22 probe: does a load of one line that many SMs issue at the same moment take longer than
// the same load from one SM? `blocks` blocks (one per SM) start at one %globaltimer instant; each
// block's thread 0 (or `lanes` lanes of warp 0) loads the same 32-byte sector (shared = 1) or its
// own line (shared = 0), by ld.global.nc, ld.global.cg or ld.volatile; cycles per block, and the
// median and maximum over blocks.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <vector>

template <int kMode>
__device__ __forceinline__ int Load(const int* p) {
  int v;
  if (kMode == 0) asm volatile("ld.global.nc.u32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
  if (kMode == 1) asm volatile("ld.global.cg.u32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
  if (kMode == 2) asm volatile("ld.volatile.global.u32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
  return v;
}

template <int kMode>
__global__ void Probe(const int* data, int shared, int lanes, unsigned long long start_ns,
                      unsigned long long* cycles, int* sink) {
  __shared__ int keep[32];
  unsigned long long now;
  do {
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
  } while (now < start_ns);
  if (threadIdx.x < lanes) {
    const int* p = data + (shared ? threadIdx.x : blockIdx.x * 64 + threadIdx.x);
    unsigned long long t0, t1;
    asm volatile("mov.u64 %0, %%clock64;" : "=l"(t0)::"memory");
    const int v = Load<kMode>(p);
    keep[threadIdx.x] = v;
    asm volatile("mov.u64 %0, %%clock64;" : "=l"(t1)::"memory");
    if (threadIdx.x == 0) cycles[blockIdx.x] = t1 - t0;
  }
  __syncthreads();
  if (threadIdx.x == 0 && keep[0] == 12345) *sink = 1;
}

__global__ void Now(unsigned long long* out) {
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(*out));
}

int main() {
  int *data, *sink;
  unsigned long long *cycles, *now;
  cudaMalloc(&data, 1 << 20);
  cudaMemset(data, 1, 1 << 20);
  cudaMalloc(&sink, 4);
  cudaMalloc(&cycles, 8 * 1024);
  cudaMalloc(&now, 8);
  const char* modes[3] = {"nc", "cg", "volatile"};
  for (int mode = 0; mode < 3; ++mode) {
    for (int blocks : {1, 16, 32, 64, 128}) {
      for (int shared = 0; shared < 2; ++shared) {
        for (int lanes : {1, 8}) {
          std::vector<unsigned long long> all;
          for (int rep = 0; rep < 20; ++rep) {
            Now<<<1, 1>>>(now);
            unsigned long long t;
            cudaMemcpy(&t, now, 8, cudaMemcpyDeviceToHost);
            const unsigned long long start = t + 200000;  // 200 us ahead
            if (mode == 0) Probe<0><<<blocks, 64>>>(data, shared, lanes, start, cycles, sink);
            if (mode == 1) Probe<1><<<blocks, 64>>>(data, shared, lanes, start, cycles, sink);
            if (mode == 2) Probe<2><<<blocks, 64>>>(data, shared, lanes, start, cycles, sink);
            std::vector<unsigned long long> c(blocks);
            cudaMemcpy(c.data(), cycles, 8 * blocks, cudaMemcpyDeviceToHost);
            if (rep >= 2) all.insert(all.end(), c.begin(), c.end());
          }
          std::sort(all.begin(), all.end());
          std::printf(
              "%-8s blocks %3d %s line, %d lanes: median %5llu, p90 %5llu, max %5llu cycles\n",
              modes[mode], blocks, shared ? "one shared" : "own", lanes, all[all.size() / 2],
              all[all.size() * 9 / 10], all.back());
        }
      }
    }
  }
  cudaError_t e = cudaDeviceSynchronize();
  std::printf("%s\n", cudaGetErrorString(e));
  return 0;
}
