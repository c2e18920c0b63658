// An NVTX range for the scope it lives in: labels a layer's or a collective's launches in
// profiles (Nsight Systems shows them on the launching thread). Costs a push and a pop, no
// allocation; the name must outlive the range (a string literal).
#pragma once

#include <nvtx3/nvToolsExt.h>

namespace padgraph {

class NvtxRange {
 public:
  explicit NvtxRange(const char* name) { nvtxRangePushA(name); }
  ~NvtxRange() { nvtxRangePop(); }
  NvtxRange(const NvtxRange&) = delete;
  NvtxRange& operator=(const NvtxRange&) = delete;
};

}  // namespace padgraph
