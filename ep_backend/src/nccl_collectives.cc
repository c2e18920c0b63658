// The host-API NCCL backends' launches.
#include "padgraph/ep_backend/nccl_collectives.h"

#include "padgraph/ep_backend/nccl_comm.h"
#include "padgraph/graph_runtime/nvtx.h"

namespace padgraph {
namespace {

size_t ElementBytes(ncclDataType_t type) {
  switch (type) {
    case ncclFloat64:
    case ncclInt64:
    case ncclUint64:
      return 8;
    case ncclFloat32:
    case ncclInt32:
    case ncclUint32:
      return 4;
    case ncclBfloat16:
    case ncclFloat16:
      return 2;
    default:  // the 8-bit types
      return 1;
  }
}

const unsigned char* Slot(const void* base, int slot, int slot_rows, int64_t row_bytes) {
  return static_cast<const unsigned char*>(base) +
         static_cast<size_t>(slot) * slot_rows * row_bytes;
}

unsigned char* Slot(void* base, int slot, int slot_rows, int64_t row_bytes) {
  return static_cast<unsigned char*>(base) + static_cast<size_t>(slot) * slot_rows * row_bytes;
}

}  // namespace

absl::Status GatherSlots(const SlotExchange& exchange, const void* local, int64_t row_elems,
                         ncclDataType_t type, void* gathered, ncclComm_t comm,
                         cudaStream_t stream) {
  if (exchange.UsesCollective()) {
    NvtxRange range("nccl_all_gather");
    PADGRAPH_NCCL_RETURN_IF_ERROR(
        ncclAllGather(local, gathered, exchange.slot_rows * row_elems, type, comm, stream));
    return absl::OkStatus();
  }
  // Every rank's rows to every rank, self included: the bucket (a2a_padded) or the real rows.
  NvtxRange range("nccl_send_recv_gather");
  const int64_t row_bytes = row_elems * ElementBytes(type);
  const int own = exchange.RowsOf(exchange.rank);
  PADGRAPH_NCCL_RETURN_IF_ERROR(ncclGroupStart());
  for (int p = 0; p < exchange.world; ++p) {
    PADGRAPH_NCCL_RETURN_IF_ERROR(ncclSend(local, own * row_elems, type, p, comm, stream));
    PADGRAPH_NCCL_RETURN_IF_ERROR(ncclRecv(Slot(gathered, p, exchange.slot_rows, row_bytes),
                                           exchange.RowsOf(p) * row_elems, type, p, comm, stream));
  }
  PADGRAPH_NCCL_RETURN_IF_ERROR(ncclGroupEnd());
  return absl::OkStatus();
}

absl::Status ReturnSlots(const SlotExchange& exchange, const void* partial, int64_t row_elems,
                         ncclDataType_t type, void* received, ncclComm_t comm,
                         cudaStream_t stream) {
  NvtxRange range("nccl_send_recv_return");
  const int64_t row_bytes = row_elems * ElementBytes(type);
  const int own = exchange.RowsOf(exchange.rank);
  PADGRAPH_NCCL_RETURN_IF_ERROR(ncclGroupStart());
  for (int p = 0; p < exchange.world; ++p) {
    PADGRAPH_NCCL_RETURN_IF_ERROR(ncclSend(Slot(partial, p, exchange.slot_rows, row_bytes),
                                           exchange.RowsOf(p) * row_elems, type, p, comm, stream));
    PADGRAPH_NCCL_RETURN_IF_ERROR(ncclRecv(Slot(received, p, exchange.slot_rows, row_bytes),
                                           own * row_elems, type, p, comm, stream));
  }
  PADGRAPH_NCCL_RETURN_IF_ERROR(ncclGroupEnd());
  return absl::OkStatus();
}

absl::Status ReduceScatterSlots(const SlotExchange& exchange, const void* partial,
                                int64_t row_elems, ncclDataType_t type, void* reduced,
                                ncclComm_t comm, cudaStream_t stream) {
  NvtxRange range("nccl_reduce_scatter");
  PADGRAPH_NCCL_RETURN_IF_ERROR(ncclReduceScatter(partial, reduced, exchange.slot_rows * row_elems,
                                                  type, ncclSum, comm, stream));
  return absl::OkStatus();
}

absl::Status AllReduceRows(void* buffer, int64_t rows, int64_t row_elems, ncclDataType_t type,
                           ncclComm_t comm, cudaStream_t stream) {
  NvtxRange range("nccl_all_reduce");
  PADGRAPH_NCCL_RETURN_IF_ERROR(
      ncclAllReduce(buffer, buffer, rows * row_elems, type, ncclSum, comm, stream));
  return absl::OkStatus();
}

absl::Status AllGatherRows(const void* local, int64_t rows, int64_t row_elems, ncclDataType_t type,
                           void* gathered, ncclComm_t comm, cudaStream_t stream) {
  NvtxRange range("nccl_all_gather");
  PADGRAPH_NCCL_RETURN_IF_ERROR(
      ncclAllGather(local, gathered, rows * row_elems, type, comm, stream));
  return absl::OkStatus();
}

}  // namespace padgraph
