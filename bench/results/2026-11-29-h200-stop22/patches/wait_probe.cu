// Stop 22 probe: what griddepcontrol.wait does to an SM's caches. Secondary (launched behind
// Primary with programmatic stream serialization, or without it) runs a straight block of code
// (about 16 KB of SASS), a constant-bank load and an L1-cached global load before the wait, then
// after the wait twice. Cycles per pass, block 0 thread 0, median of the launches.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

struct Table {
  int v[64];
};

// The clock read after `acc` is computed; acc then depends on the read (the shift is 0).
__device__ __forceinline__ unsigned long long Clock(unsigned& acc) {
  unsigned long long t;
  asm volatile("mov.u64 %0, %%clock64;" : "=l"(t) : "r"(acc) : "memory");
  acc ^= static_cast<unsigned>(t >> 63);
  return t;
}

template <int kTag>
__device__ __noinline__ unsigned Body(unsigned a) {
  unsigned b = a ^ 0x9e3779b9u, c = a + 7u, d = a * 3u;
#pragma unroll
  for (int i = 0; i < 256; ++i) {
    a = (a ^ (a >> 7)) * 1664525u + kTag + i;
    b = (b ^ (b >> 9)) * 22695477u + i;
    c = (c ^ (c >> 11)) * 134775813u + i;
    d = (d ^ (d >> 13)) * 1103515245u + i;
  }
  return a ^ b ^ c ^ d;
}

__global__ void Primary(unsigned long long spin_ns) {
  asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
  unsigned long long start, now;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(start));
  do {
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
  } while (now - start < spin_ns);
}

__global__ void Secondary(const Table table, const int* data, unsigned long long* out, int index,
                          unsigned* sink) {
  unsigned long long t[16];
  unsigned acc = index;
  int x;
  t[0] = Clock(acc);
  acc += Body<0>(acc);
  t[1] = Clock(acc);
  x = table.v[acc & 63];
  acc += x;
  t[2] = Clock(acc);
  x = __ldg(data + (acc & 63) * 8);
  acc += x;
  t[3] = Clock(acc);
  asm volatile("griddepcontrol.wait;" ::"r"(acc) : "memory");
  t[4] = Clock(acc);
  acc += Body<0>(acc);
  t[5] = Clock(acc);
  acc += Body<0>(acc);
  t[6] = Clock(acc);
  x = table.v[(acc + 1) & 63];
  acc += x;
  t[7] = Clock(acc);
  x = table.v[(acc + 2) & 63];
  acc += x;
  t[8] = Clock(acc);
  x = __ldg(data + ((acc + 1) & 63) * 8);
  acc += x;
  t[9] = Clock(acc);
  x = __ldg(data + ((acc + 2) & 63) * 8);
  acc += x;
  t[10] = Clock(acc);
  acc += Body<1>(acc);  // code never run in this launch before
  t[11] = Clock(acc);
  if (blockIdx.x == 0 && threadIdx.x == 0) {
    for (int i = 0; i < 11; ++i)
      out[i] = t[i + 1] - t[i];
    *sink = acc;
  }
}

int main(int argc, char** argv) {
  const int launches = 50;
  Table table{};
  int* data;
  unsigned long long* out;
  unsigned* sink;
  cudaMalloc(&data, 4096);
  cudaMemset(data, 0, 4096);
  cudaMalloc(&out, sizeof(unsigned long long) * 16 * launches);
  cudaMalloc(&sink, 4);
  cudaStream_t stream;
  cudaStreamCreate(&stream);
  for (int pdl = 0; pdl < 2; ++pdl) {
    for (int i = 0; i < launches; ++i) {
      Primary<<<132, 128, 0, stream>>>(20000);
      cudaLaunchConfig_t config{};
      config.gridDim = dim3(1);
      config.blockDim = dim3(32);
      config.stream = stream;
      cudaLaunchAttribute attribute{};
      attribute.id = cudaLaunchAttributeProgrammaticStreamSerialization;
      attribute.val.programmaticStreamSerializationAllowed = pdl;
      config.attrs = &attribute;
      config.numAttrs = 1;
      cudaLaunchKernelEx(&config, Secondary, table, static_cast<const int*>(data), out + 16 * i, 3,
                         sink);
    }
    if (cudaStreamSynchronize(stream) != cudaSuccess) {
      std::printf("error %s\n", cudaGetErrorString(cudaGetLastError()));
      return 1;
    }
    std::vector<unsigned long long> host(16 * launches);
    cudaMemcpy(host.data(), out, host.size() * 8, cudaMemcpyDeviceToHost);
    const char* names[11] = {"body before wait", "const before", "ldg before",    "wait",
                             "body after 1",     "body after 2", "const after 1", "const after 2",
                             "ldg after 1",      "ldg after 2",  "new body after"};
    std::printf("%s\n", pdl ? "programmatic (secondary resident during primary)" : "plain launch");
    for (int k = 0; k < 11; ++k) {
      std::vector<unsigned long long> v;
      for (int i = 5; i < launches; ++i)
        v.push_back(host[16 * i + k]);
      std::sort(v.begin(), v.end());
      std::printf("  %-18s median %llu cycles (min %llu, max %llu)\n", names[k], v[v.size() / 2],
                  v.front(), v.back());
    }
  }
  return 0;
}
