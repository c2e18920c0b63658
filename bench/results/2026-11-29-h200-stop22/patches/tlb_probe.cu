// Stop 22 probe: what a load costs when its page's translation is not cached near the SM. One
// thread first loads one word from each of `touch` pages `stride` apart (to push translations
// out), then times dependent loads (cycles): a line of a page it never touched (TLB and L2 cold),
// another line of that page (TLB warm, L2 cold), the first line again (both warm), and a line of
// the first page it touched (long ago in the sweep; L2 cold for that line).
#include <cuda_runtime.h>

#include <cstdio>

__device__ __forceinline__ unsigned long long Clock(unsigned& acc) {
  unsigned long long t;
  asm volatile("mov.u64 %0, %%clock64;" : "=l"(t) : "r"(acc) : "memory");
  acc ^= static_cast<unsigned>(t >> 63);
  return t;
}
__device__ __forceinline__ unsigned Load(const char* p) {
  unsigned v;
  asm volatile("ld.global.cg.u32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
  return v;
}

__global__ void Probe(const char* base, size_t stride, int touch, const char* target,
                      unsigned long long* out) {
  unsigned acc = 0;
  for (int i = 0; i < touch; ++i)
    acc += Load(base + i * stride + 256 + (acc & 1));
  unsigned long long t[5];
  t[0] = Clock(acc);
  acc += Load(target + (acc & 1));
  t[1] = Clock(acc);
  acc += Load(target + 4096 + (acc & 1));
  t[2] = Clock(acc);
  acc += Load(target + (acc & 1));
  t[3] = Clock(acc);
  acc += Load(base + 8192 + (acc & 1));
  t[4] = Clock(acc);
  for (int i = 0; i < 4; ++i)
    out[i] = t[i + 1] - t[i];
  out[4] = acc;
}

int main() {
  const size_t bytes = size_t(16) << 30;
  char* big;
  if (cudaMalloc(&big, bytes) != cudaSuccess) {
    std::printf("no 16 GiB\n");
    return 1;
  }
  cudaMemset(big, 0, bytes);
  unsigned long long* out;
  cudaMalloc(&out, 64);
  const size_t strides[2] = {size_t(2) << 20, size_t(64) << 10};
  for (size_t stride : strides) {
    for (int touch : {0, 8, 16, 32, 64, 128, 512, 2048, 6000}) {
      if (touch * stride + (size_t(64) << 20) > bytes) continue;
      unsigned long long h[4] = {0, 0, 0, 0}, sum[4] = {0, 0, 0, 0};
      const int reps = 8;
      for (int rep = 0; rep < reps; ++rep) {
        // A target page this sweep never reaches, a different one each repetition.
        const char* target = big + bytes - (size_t(rep + 1) << 22);
        Probe<<<1, 1>>>(big + size_t(rep) * 128 * 1024 * 0, stride, touch, target, out);
        cudaMemcpy(h, out, 32, cudaMemcpyDeviceToHost);
        for (int i = 0; i < 4; ++i)
          sum[i] += h[i];
      }
      std::printf(
          "stride %6zu KiB, %4d pages touched first: new page %5llu, same page new line "
          "%5llu, same line %4llu, first page of the sweep %5llu cycles (mean of %d)\n",
          stride >> 10, touch, sum[0] / reps, sum[1] / reps, sum[2] / reps, sum[3] / reps, reps);
    }
  }
  std::printf("%s\n", cudaGetErrorString(cudaDeviceSynchronize()));
  return 0;
}
