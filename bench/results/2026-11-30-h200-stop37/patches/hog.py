# Probe "hog": the lines' floor launched with 120 KB of dynamic shared memory that it never uses, so
# that no two of its blocks share an SM (228 KB each): the leg launched early cannot be resident
# beside the leg ahead of it, as a2a_ll's kernels cannot (96-128 registers x 512 threads).
import sys
path = sys.argv[1]
s = open(path).read()
old = """  PADGRAPH_CUDA_RETURN_IF_ERROR(
      LaunchCooperative(LinesFloorKernel, args.leg == 0 ? s.dispatch_blocks : s.combine_blocks,
                        kThreadsPerBlock, params, stream));"""
new = """  constexpr int kHog = 120 << 10;
  PADGRAPH_CUDA_RETURN_IF_ERROR(
      cudaFuncSetAttribute(LinesFloorKernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kHog));
  cudaLaunchAttribute hog_attributes[2];
  hog_attributes[0].id = cudaLaunchAttributeCooperative;
  hog_attributes[0].val.cooperative = 1;
  hog_attributes[1].id = cudaLaunchAttributeProgrammaticStreamSerialization;
  hog_attributes[1].val.programmaticStreamSerializationAllowed = 1;
  cudaLaunchConfig_t hog_config = {};
  hog_config.gridDim = dim3(args.leg == 0 ? s.dispatch_blocks : s.combine_blocks);
  hog_config.blockDim = dim3(kThreadsPerBlock);
  hog_config.dynamicSmemBytes = kHog;
  hog_config.stream = stream;
  hog_config.attrs = hog_attributes;
  hog_config.numAttrs = 2;
  PADGRAPH_CUDA_RETURN_IF_ERROR(cudaLaunchKernelEx(&hog_config, LinesFloorKernel, params));"""
assert s.count(old) == 1
s = s.replace(old, new)
open(path, "w").write(s)
