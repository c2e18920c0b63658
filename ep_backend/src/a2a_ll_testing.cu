// The reference kernels of a2a_ll_testing.h.
#include <cuda_bf16.h>

#include <utility>

#include "device_exchange.cuh"
#include "lines.cuh"
#include "padgraph/ep_backend/a2a_ll.h"
#include "padgraph/ep_backend/a2a_ll_testing.h"
#include "padgraph/graph_runtime/cuda_check.h"
#include "padgraph/graph_runtime/cuda_handles.h"
#include "padgraph/padding_policy/status_macros.h"

namespace padgraph {
namespace {

__global__ void EmptyKernel() {}

// EmptyLaunch::kLikeTransport's kernel: the transports' first step and nothing else.
__global__ void EmptyAwaitingKernel(int /*unused: LaunchCooperative passes one argument*/) {
  device_exchange::AwaitPredecessor();
}

// One block per (local expert, source) block of the receive region.
__global__ void TestExpertsKernel(A2aLlLayout layout, int rank, const __nv_bfloat16* recv_rows,
                                  const int32_t* recv_counts, __nv_bfloat16* expert_out) {
  const int world = layout.shape.world;
  const int local_expert = blockIdx.x / world;
  const int source = blockIdx.x % world;
  const int expert = rank * layout.local_experts + local_expert;
  const float scale = TestExpertScale(expert);
  const float bias = TestExpertBias(expert);
  const int rows = recv_counts[local_expert * world + source];
  const int hidden = layout.shape.hidden;
  const size_t first = layout.RecvRowIndex(local_expert, source, 0) * hidden;
  for (int i = threadIdx.x; i < rows * hidden; i += blockDim.x) {
    const float x = __bfloat162float(recv_rows[first + i]);
    expert_out[first + i] = __float2bfloat16_rn(fmaf(x, scale, bias));
  }
}

__global__ void CountMismatchesKernel(const uint32_t* a, const uint32_t* b, size_t words,
                                      unsigned long long* mismatches) {
  unsigned long long differ = 0;
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < words;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    differ += a[i] != b[i];
  }
  if (differ != 0) atomicAdd(mismatches, differ);
}

__global__ void __launch_bounds__(1024, 1) SmHolderKernel(uint64_t hold_ns, int32_t* started) {
  extern __shared__ unsigned char held[];
  uint64_t start, now;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(start));
  if (threadIdx.x == 0) {
    held[0] = 1;
    *reinterpret_cast<volatile int32_t*>(started) = 1;
    __threadfence_system();
  }
  do {
    __nanosleep(1000);
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
  } while (now - start < hold_ns);
}

constexpr int kProbeBlocks = 16;
constexpr int kProbeThreads = 256;

__device__ __forceinline__ uint64_t ProbeWord(uint32_t round, uint32_t line, uint32_t word) {
  using device_exchange::Mix;
  return (static_cast<uint64_t>(Mix(round * 7919u + line)) << 32) |
         Mix(line * 31u + word + round * 131u);
}

__device__ __forceinline__ bool ProbeExpired(uint64_t start, uint64_t budget_ns, int32_t* expired) {
  if (GlobalTimerNs() - start > budget_ns) atomicExch(expired, 1);
  return *reinterpret_cast<volatile int32_t*>(expired) != 0;
}

// Writer and reader split the lines alike: this thread's first line (eight lanes per line, four
// lines per warp) and the stride between its lines.
__device__ __forceinline__ int ProbeFirstLine() {
  return (blockIdx.x * (kProbeThreads / 32) + threadIdx.x / 32) * lines::kLinesPerWarp +
         threadIdx.x % 32 / lines::kLanesPerLine;
}
__device__ __forceinline__ int ProbeLineStride() {
  return gridDim.x * (kProbeThreads / 32) * lines::kLinesPerWarp;
}

// Block b writes lines b, b + kProbeBlocks, ...: eight lanes per line, one line part each.
__global__ void __launch_bounds__(kProbeThreads)
    LineWriterKernel(uint64_t* lines_at_reader, int lines, int rounds, LineWriter how,
                     const uint64_t* acks, uint64_t budget_ns, int32_t* expired) {
  using namespace lines;
  const uint64_t start = GlobalTimerNs();
  const int lane = threadIdx.x % 32;
  const int part = lane % kLanesPerLine;
  const int first = ProbeFirstLine();
  const int stride = ProbeLineStride();
  const int lines_per_pass = (lines + stride - 1) / stride;
  __shared__ int stop;
  for (int round = 1; round <= rounds; ++round) {
    // Every lane runs the same passes, so that each __syncwarp meets the whole warp.
    for (int pass = 0; pass < lines_per_pass; ++pass) {
      const int line = first + pass * stride;
      const bool mine = line < lines;
      uint64_t* at =
          lines_at_reader + static_cast<size_t>(mine ? line : 0) * (kLineBytes / 8) + part * 2;
      const uint64_t low = ProbeWord(round, line, part * 2);
      const uint64_t high = part == kTagLane ? round : ProbeWord(round, line, part * 2 + 1);
      if (how == LineWriter::kLaneZeroSleeps || how == LineWriter::kLaneZeroSleepsNoSync) {
        // Lane 0 alone in a branch leaves the warp split; a __syncwarp() brings it back together,
        // as at the start of a2a_ll's line loops (lines.cuh Note [Converged lines]).
        if (lane == 0) {
          __nanosleep(device_exchange::Mix(static_cast<uint32_t>(line) * 977u + round) % 2000u);
        }
        if (how == LineWriter::kLaneZeroSleeps) __syncwarp();
      }
      if (how == LineWriter::kTagFirst) {
        if (mine && part == kTagLane) StoreLinePart(at, low, high);
        __syncwarp();
        if (mine && part != kTagLane) StoreLinePart(at, low, high);
      } else if (mine) {
        StoreLinePart(at, low, high);
      }
    }
    __syncthreads();
    if (threadIdx.x == 0) {
      stop = 0;
      while (LoadAcquireSys(acks + blockIdx.x) != static_cast<uint64_t>(round)) {
        if (ProbeExpired(start, budget_ns, expired)) {
          stop = 1;
          break;
        }
      }
    }
    __syncthreads();
    if (stop) return;
  }
}

__global__ void __launch_bounds__(kProbeThreads)
    LineReaderKernel(const uint64_t* lines_here, int lines, int rounds, uint64_t* acks_at_writer,
                     uint64_t budget_ns, int32_t* expired, unsigned long long* checked,
                     unsigned long long* torn) {
  using namespace lines;
  const uint64_t start = GlobalTimerNs();
  const int lane = threadIdx.x % 32;
  const int part = lane % kLanesPerLine;
  const int first = ProbeFirstLine();
  const int stride = ProbeLineStride();
  const int lines_per_pass = (lines + stride - 1) / stride;
  unsigned long long seen = 0, bad = 0;
  bool stop = false;
  for (int round = 1; round <= rounds && !stop; ++round) {
    // Every lane runs the same passes, so the warp's shuffles stay converged.
    for (int pass = 0; pass < lines_per_pass && !stop; ++pass) {
      const int line = first + pass * stride;
      const bool mine = line < lines;
      const uint64_t* at =
          lines_here + static_cast<size_t>(mine ? line : 0) * (kLineBytes / 8) + part * 2;
      uint64_t low = 0, high = 0;
      while (true) {
        if (mine) LoadLinePart(at, &low, &high);
        const bool tag_here = !mine || high == static_cast<uint64_t>(round);
        const bool ready = __shfl_sync(0xffffffffu, tag_here, (lane | kTagLane));
        if (__all_sync(0xffffffffu, ready)) break;
        if (ProbeExpired(start, budget_ns, expired)) {
          stop = true;
          break;
        }
      }
      if (stop) break;
      const bool whole =
          !mine || (low == ProbeWord(round, line, part * 2) &&
                    (part == kTagLane || high == ProbeWord(round, line, part * 2 + 1)));
      const unsigned torn_parts = __ballot_sync(0xffffffffu, !whole);
      if (mine && part == 0) {
        ++seen;
        bad += ((torn_parts >> (lane & ~(kLanesPerLine - 1))) & 0xffu) != 0;
      }
    }
    __syncthreads();
    if (threadIdx.x == 0 && !stop) StoreReleaseSys(acks_at_writer + blockIdx.x, round);
  }
  atomicAdd(checked, seen);
  atomicAdd(torn, bad);
}

}  // namespace

absl::Status LaunchSmHolder(int blocks, uint64_t hold_ns, int32_t* started, cudaStream_t stream) {
  int device = 0, shared = 0;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetDevice(&device));
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaDeviceGetAttribute(&shared, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaFuncSetAttribute(SmHolderKernel, cudaFuncAttributeMaxDynamicSharedMemorySize, shared));
  SmHolderKernel<<<blocks, 1024, shared, stream>>>(hold_ns, started);
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  return absl::OkStatus();
}

absl::Status LaunchEmptyKernel(int blocks, EmptyLaunch how, cudaStream_t stream) {
  if (how == EmptyLaunch::kLikeTransport) {
    PADGRAPH_CUDA_RETURN_IF_ERROR(device_exchange::LaunchCooperative(
        EmptyAwaitingKernel, blocks, A2aLl::kThreadsPerBlock, 0, stream));
    return absl::OkStatus();
  }
  cudaLaunchAttribute attribute;
  attribute.id = cudaLaunchAttributeCooperative;
  attribute.val.cooperative = how == EmptyLaunch::kCooperative ? 1 : 0;
  cudaLaunchConfig_t config = {};
  config.gridDim = dim3(blocks);
  config.blockDim = dim3(A2aLl::kThreadsPerBlock);
  config.stream = stream;
  config.attrs = &attribute;
  config.numAttrs = 1;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaLaunchKernelEx(&config, EmptyKernel));
  return absl::OkStatus();
}

absl::Status MakeFirstLaunch(cudaStream_t stream) {
  PADGRAPH_RETURN_IF_ERROR(LaunchEmptyKernel(1, EmptyLaunch::kPlain, stream));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
  return absl::OkStatus();
}

absl::Status LoadTestKernels() {
  cudaFuncAttributes attributes;
  for (const void* kernel : {reinterpret_cast<const void*>(EmptyKernel),
                             reinterpret_cast<const void*>(EmptyAwaitingKernel),
                             reinterpret_cast<const void*>(TestExpertsKernel),
                             reinterpret_cast<const void*>(CountMismatchesKernel)}) {
    PADGRAPH_CUDA_RETURN_IF_ERROR(cudaFuncGetAttributes(&attributes, kernel));
  }
  return absl::OkStatus();
}

absl::Status LaunchTestExperts(const A2aLlLayout& layout, int rank, const void* recv_rows,
                               const int32_t* recv_counts, void* expert_out, cudaStream_t stream) {
  TestExpertsKernel<<<layout.local_experts * layout.shape.world, 256, 0, stream>>>(
      layout, rank, static_cast<const __nv_bfloat16*>(recv_rows), recv_counts,
      static_cast<__nv_bfloat16*>(expert_out));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  return absl::OkStatus();
}

absl::Status LaunchCountMismatches(const void* a, const void* b, size_t bytes,
                                   unsigned long long* mismatches, cudaStream_t stream) {
  if (bytes % 4 != 0) return absl::InvalidArgumentError("bytes must be a multiple of 4");
  CountMismatchesKernel<<<64, 256, 0, stream>>>(
      static_cast<const uint32_t*>(a), static_cast<const uint32_t*>(b), bytes / 4, mismatches);
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  return absl::OkStatus();
}

absl::Status RunLineTearingProbe(int writer_device, int reader_device, int lines, int rounds,
                                 LineWriter how, uint64_t budget_ns, LineTearingResult* result) {
  if (lines < 1 || rounds < 1) {
    return absl::InvalidArgumentError("line probe: lines and rounds must be at least 1");
  }
  if (writer_device != reader_device) {
    const std::pair<int, int> directions[] = {{writer_device, reader_device},
                                              {reader_device, writer_device}};
    for (const auto& [from, to] : directions) {
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(from));
      const cudaError_t enabled = cudaDeviceEnablePeerAccess(to, 0);
      if (enabled != cudaSuccess && enabled != cudaErrorPeerAccessAlreadyEnabled) {
        PADGRAPH_CUDA_RETURN_IF_ERROR(enabled);
      }
      (void)cudaGetLastError();
    }
  }
  // Each kernel on a stream of its own, both loaded before either starts: on one GPU the reader
  // must run beside the writer, which waits for its acknowledgements (a launch on the legacy
  // stream, or a lazy load behind the spinning writer, would wait for the writer instead).
  cudaFuncAttributes attributes;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(reader_device));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaFuncGetAttributes(&attributes, LineReaderKernel));
  PADGRAPH_ASSIGN_OR_RETURN(CudaStream reader_stream, MakeStream());
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(writer_device));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaFuncGetAttributes(&attributes, LineWriterKernel));
  PADGRAPH_ASSIGN_OR_RETURN(CudaStream writer_stream, MakeStream());
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(reader_device));
  PADGRAPH_ASSIGN_OR_RETURN(DeviceBuffer line_area,
                            DeviceBuffer::Allocate(static_cast<size_t>(lines) * lines::kLineBytes));
  PADGRAPH_ASSIGN_OR_RETURN(DeviceBuffer reader_flags,
                            DeviceBuffer::Allocate(3 * sizeof(unsigned long long)));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemset(line_area.data(), 0, line_area.bytes()));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemset(reader_flags.data(), 0, reader_flags.bytes()));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaDeviceSynchronize());
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(writer_device));
  PADGRAPH_ASSIGN_OR_RETURN(DeviceBuffer acks,
                            DeviceBuffer::Allocate(kProbeBlocks * sizeof(uint64_t)));
  PADGRAPH_ASSIGN_OR_RETURN(DeviceBuffer writer_expired, DeviceBuffer::Allocate(sizeof(int32_t)));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemset(acks.data(), 0, acks.bytes()));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemset(writer_expired.data(), 0, writer_expired.bytes()));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaDeviceSynchronize());

  // The writer first: a reader that started alone would only poll.
  LineWriterKernel<<<kProbeBlocks, kProbeThreads, 0, writer_stream.get()>>>(
      line_area.data<uint64_t>(), lines, rounds, how, acks.data<uint64_t>(), budget_ns,
      writer_expired.data<int32_t>());
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(reader_device));
  unsigned long long* counters = reader_flags.data<unsigned long long>();
  LineReaderKernel<<<kProbeBlocks, kProbeThreads, 0, reader_stream.get()>>>(
      line_area.data<uint64_t>(), lines, rounds, acks.data<uint64_t>(), budget_ns,
      reinterpret_cast<int32_t*>(counters + 2), counters, counters + 1);
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(reader_stream.get()));
  unsigned long long values[3] = {};
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaMemcpy(values, counters, sizeof(values), cudaMemcpyDeviceToHost));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaSetDevice(writer_device));
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(writer_stream.get()));
  int32_t writer_timed_out = 0;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(&writer_timed_out, writer_expired.data(),
                                           sizeof(writer_timed_out), cudaMemcpyDeviceToHost));
  result->lines_checked = values[0];
  result->torn_lines = values[1];
  result->timed_out = values[2] != 0 || writer_timed_out != 0;
  return absl::OkStatus();
}

}  // namespace padgraph
