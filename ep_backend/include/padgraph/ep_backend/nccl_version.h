// The start-up check of rule 10 (STYLE.md): the NCCL library loaded at run time must be the
// release whose headers padgraph was compiled against. The device API (nccl_device.h) is inlined
// into padgraph's kernels: its structs (ncclDevComm, ncclWindow_vidmem) are read field by field
// on the device, and their layout changes between releases, so a newer or older libnccl.so would
// hand the kernels a window or devcomm they misread, with no error anywhere. Everything that
// creates a device-API object calls CheckNcclVersion() first.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace padgraph {

// OK when ncclGetVersion() equals NCCL_VERSION_CODE of the headers; FailedPrecondition naming
// both versions otherwise (or Internal if ncclGetVersion itself fails).
absl::Status CheckNcclVersion();

// "2.28.9" from an NCCL version code (22809), for messages.
std::string FormatNcclVersion(int code);

}  // namespace padgraph
