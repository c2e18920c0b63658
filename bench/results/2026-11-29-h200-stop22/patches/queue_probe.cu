// Stop 22 probe: do 8 loopback ranks (one thread and stream each, launches queued up front) hold
// each other up through CUDA's hardware queues? Each rank launches `layers` one-block kernels; the
// kernel of layer L on every rank waits until all ranks' kernels of layer L have started (a
// counter per layer), giving up after budget_ns (counted as a timeout). Rank r's thread starts
// r * stagger_us late. Nothing here needs more than `ranks` SMs, so a timeout is a kernel that was
// queued behind another rank's, not one without an SM.
// argv: ranks layers stagger_us extra_streams cooperative(0/1) budget_us
#include <cuda_runtime.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

__global__ void Meet(unsigned* arrived, unsigned* timeouts, int layer, int ranks,
                     unsigned long long budget_ns) {
  if (threadIdx.x != 0) return;
  atomicAdd(arrived + layer, 1u);
  unsigned long long start, now;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(start));
  while (*reinterpret_cast<volatile unsigned*>(arrived + layer) < static_cast<unsigned>(ranks)) {
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
    if (now - start > budget_ns) {
      atomicAdd(timeouts, 1u);
      return;
    }
  }
}

#define CHECK(x)                                                   \
  do {                                                             \
    cudaError_t e = (x);                                           \
    if (e != cudaSuccess) {                                        \
      std::fprintf(stderr, "%s: %s\n", #x, cudaGetErrorString(e)); \
      std::exit(1);                                                \
    }                                                              \
  } while (0)

int main(int argc, char** argv) {
  const int ranks = argc > 1 ? std::atoi(argv[1]) : 8;
  const int layers = argc > 2 ? std::atoi(argv[2]) : 400;
  const int stagger_us = argc > 3 ? std::atoi(argv[3]) : 2000;
  const int extra_streams = argc > 4 ? std::atoi(argv[4]) : 0;
  const int cooperative = argc > 5 ? std::atoi(argv[5]) : 0;
  const unsigned long long budget_ns = (argc > 6 ? std::atoll(argv[6]) : 20000) * 1000ull;
  CHECK(cudaSetDevice(0));
  CHECK(cudaFuncSetAttribute(Meet, cudaFuncAttributeMaxDynamicSharedMemorySize, 0));
  std::vector<cudaStream_t> extra(extra_streams);
  for (auto& s : extra)
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  std::vector<cudaStream_t> streams(ranks);
  for (auto& s : streams)
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  unsigned *arrived, *timeouts;
  CHECK(cudaMalloc(&arrived, layers * sizeof(unsigned)));
  CHECK(cudaMalloc(&timeouts, sizeof(unsigned)));
  CHECK(cudaMemset(arrived, 0, layers * sizeof(unsigned)));
  CHECK(cudaMemset(timeouts, 0, sizeof(unsigned)));
  CHECK(cudaDeviceSynchronize());
  const auto begin = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int r = 0; r < ranks; ++r) {
    threads.emplace_back([&, r] {
      CHECK(cudaSetDevice(0));
      std::this_thread::sleep_for(std::chrono::microseconds(r * stagger_us));
      for (int layer = 0; layer < layers; ++layer) {
        if (cooperative) {
          int l = layer, n = ranks;
          unsigned long long b = budget_ns;
          void* args[] = {&arrived, &timeouts, &l, &n, &b};
          CHECK(cudaLaunchCooperativeKernel(reinterpret_cast<void*>(Meet), dim3(1), dim3(32), args,
                                            0, streams[r]));
        } else {
          Meet<<<1, 32, 0, streams[r]>>>(arrived, timeouts, layer, ranks, budget_ns);
          CHECK(cudaGetLastError());
        }
      }
      CHECK(cudaStreamSynchronize(streams[r]));
    });
  }
  for (auto& t : threads)
    t.join();
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
  unsigned t = 0;
  CHECK(cudaMemcpy(&t, timeouts, sizeof(t), cudaMemcpyDeviceToHost));
  const char* conn = std::getenv("CUDA_DEVICE_MAX_CONNECTIONS");
  std::printf(
      "ranks %d layers %d stagger_us %d extra_streams %d cooperative %d connections %s: "
      "%u timeouts of %d waits, %.1f ms\n",
      ranks, layers, stagger_us, extra_streams, cooperative, conn ? conn : "default", t,
      ranks * layers, ms);
  return 0;
}
