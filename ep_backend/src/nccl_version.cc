// CheckNcclVersion: the loaded NCCL against the headers.
#include "padgraph/ep_backend/nccl_version.h"

#include <nccl.h>

#include "fmt/format.h"
#include "padgraph/ep_backend/nccl_comm.h"

namespace padgraph {

std::string FormatNcclVersion(int code) {
  // Codes from 2.9 on are major * 10000 + minor * 100 + patch; older ones major * 1000 + ....
  if (code >= 10000) return fmt::format("{}.{}.{}", code / 10000, code / 100 % 100, code % 100);
  return fmt::format("{}.{}.{}", code / 1000, code / 100 % 10, code % 100);
}

absl::Status CheckNcclVersion() {
  int loaded = 0;
  PADGRAPH_NCCL_RETURN_IF_ERROR(ncclGetVersion(&loaded));
  if (loaded != NCCL_VERSION_CODE) {
    return absl::FailedPreconditionError(fmt::format(
        "the loaded NCCL library is {} (code {}) but padgraph was compiled against NCCL {} (code "
        "{}); the device API's structs differ between releases, so they must match exactly",
        FormatNcclVersion(loaded), loaded, FormatNcclVersion(NCCL_VERSION_CODE),
        NCCL_VERSION_CODE));
  }
  return absl::OkStatus();
}

}  // namespace padgraph
