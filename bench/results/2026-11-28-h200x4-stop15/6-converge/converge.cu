// Which constructs bring a warp back together after one lane slept alone in a branch? Each
// variant: lane 0 sleeps in a branch (or something else diverges), then the construct, then every
// lane reads __activemask(); a lane that finds a mask other than the full warp counts.
#include <cuda_runtime.h>

#include <cstdio>

__device__ unsigned spin_target;

__global__ void Probe(int variant, int iters, unsigned long long* split,
                      unsigned long long* reached) {
  const int lane = threadIdx.x % 32;
  unsigned long long mine = 0;
  volatile unsigned* spin = &spin_target;
  for (int it = 0; it < iters; ++it) {
    const unsigned ns = 500 + (it * 7919u + blockIdx.x * 131u) % 1500u;
    switch (variant) {
      case 0:
        if (lane == 0) __nanosleep(ns);
        break;  // none
      case 1:
        if (lane == 0) __nanosleep(ns);
        __syncwarp();
        break;  // __syncwarp
      case 2:
        if (lane == 0) __nanosleep(ns);
        __syncwarp();
        __syncwarp();
        break;  // twice
      case 3:
        if (lane == 0) __nanosleep(ns);
        __syncthreads();
        break;  // bar.sync
      case 4:
        if (lane == 0) __nanosleep(ns);
        asm volatile("bar.warp.sync -1;" ::: "memory");
        break;
      case 5:
        __nanosleep(ns);
        break;   // all lanes sleep, no branch
      case 6: {  // lanes 0-15 spin in a branch for a while (a bounded wait), no sleep
        if (lane < 16) {
          unsigned n = 0;
          while (*spin + n < 2000u)
            ++n;
        }
        break;
      }
      case 7: {  // the same, then __syncthreads
        if (lane < 16) {
          unsigned n = 0;
          while (*spin + n < 2000u)
            ++n;
        }
        __syncthreads();
        break;
      }
      case 8: {  // lane 0 alone: a long-latency load in a branch
        if (lane == 0) mine += *spin;
        break;
      }
      case 10:
        __nanosleep(ns + lane * 97u);
        break;  // every lane, its own time
      case 11:
        __nanosleep(ns + lane * 97u);
        __syncwarp();
        break;
      case 12: {
        __nanosleep(ns + lane * 97u);
        unsigned v = __shfl_sync(0xffffffffu, lane, 7);
        mine += v == 7 ? 0 : 1;
        break;
      }
      case 13: {
        if (lane == 0) __nanosleep(ns);
        unsigned v = __shfl_sync(0xffffffffu, lane, 7);
        mine += v == 7 ? 0 : 1;
        break;
      }
      case 9: {  // lane 0 sleeps in a branch, then a reconverging loop of one trip the warp takes
                 // together
        if (lane == 0) __nanosleep(ns);
        unsigned all = __ballot_sync(0xffffffffu, 1);
        if (all == 0xffffffffu) mine += 0;
        break;
      }
    }
    const unsigned mask = __activemask();
    mine += mask != 0xffffffffu ? 1ull << 32 : 0;
    __syncwarp();
  }
  atomicAdd(split, mine >> 32);
  atomicAdd(reached, static_cast<unsigned long long>(iters));
}

int main() {
  unsigned long long *split, *reached;
  cudaMalloc(&split, 8);
  cudaMalloc(&reached, 8);
  const char* names[] = {"none",
                         "__syncwarp",
                         "__syncwarp x2",
                         "__syncthreads",
                         "bar.warp.sync -1",
                         "all lanes sleep, no branch",
                         "half the lanes spin in a branch",
                         "spin, then __syncthreads",
                         "lane 0 loads in a branch",
                         "sleep, then __ballot_sync",
                         "every lane sleeps its own time",
                         "own times, then __syncwarp",
                         "own times, then __shfl_sync",
                         "lane 0 sleeps, then __shfl_sync"};
  std::printf("%-34s %14s %14s\n", "variant", "lane-iterations", "split");
  for (int v = 0; v < 14; ++v) {
    cudaMemset(split, 0, 8);
    cudaMemset(reached, 0, 8);
    Probe<<<132, 256>>>(v, 200, split, reached);
    cudaError_t e = cudaDeviceSynchronize();
    unsigned long long s = 0, r = 0;
    cudaMemcpy(&s, split, 8, cudaMemcpyDeviceToHost);
    cudaMemcpy(&r, reached, 8, cudaMemcpyDeviceToHost);
    std::printf("%-34s %14llu %14llu %s\n", names[v], r, s,
                e == cudaSuccess ? "" : cudaGetErrorString(e));
  }
  return 0;
}
