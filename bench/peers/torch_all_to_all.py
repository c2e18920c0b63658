"""PyTorch NCCL peer of bench/dispatch_combine_bench.cc: what an engine without a device-API
transport runs for MoE dispatch + combine.

padded all_to_all: every rank sends one buffer of rows * top_k rows (one copy per (token, expert)
pair), split evenly over the ranks: rows * top_k / world rows per peer, the fixed per-peer
capacity that uniform routing fills (the issue's peer figures were measured this way; a capacity
of rows * top_k per peer doubles the bytes on 2 GPUs). Dispatch + combine are two
all_to_all_single calls of rows * top_k rows each. allgather:
all_gather_into_tensor of the rank's rows, then reduce_scatter_tensor back. Setup as the C++
benchmark: hidden 7168 bf16, top-8, rows per rank 1, 8, 16, 32, 128, on 2, 4 and 8 GPUs (those
present), one process per GPU. N iterations are captured in one CUDA graph; each replay follows a
barrier (an all_reduce) and is timed with device events; a replay's time is the slowest rank's
over N; the median over replays is reported, as JSON.
"""

import argparse
import json
import os
import statistics

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

HIDDEN, TOP_K = 7168, 8
ROWS = [1, 8, 16, 32, 128]
ITERS, REPLAYS = 50, 15


def time_graph(fn, device):
    stream = torch.cuda.Stream(device)
    stream.wait_stream(torch.cuda.current_stream(device))
    with torch.cuda.stream(stream):
        for _ in range(3):
            fn()
    torch.cuda.current_stream(device).wait_stream(stream)
    torch.cuda.synchronize(device)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for _ in range(ITERS):
            fn()
    graph.replay()
    torch.cuda.synchronize(device)
    barrier = torch.zeros(1, device=device)
    times = []
    for _ in range(REPLAYS):
        dist.all_reduce(barrier)
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        graph.replay()
        stop.record()
        stop.synchronize()
        us = torch.tensor([start.elapsed_time(stop) * 1e3 / ITERS], device=device)
        dist.all_reduce(us, op=dist.ReduceOp.MAX)
        times.append(us.item())
    del graph
    return statistics.median(times)


def worker(rank, world, port, queue):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.cuda.set_device(rank)
    device = torch.device("cuda", rank)
    dist.init_process_group("nccl", rank=rank, world_size=world, device_id=device)
    result = {}
    for rows in ROWS:
        assert rows * TOP_K % world == 0, "rows * top_k must split evenly over the ranks"
        send = torch.randn(rows * TOP_K, HIDDEN, device=device, dtype=torch.bfloat16)
        recv = torch.empty_like(send)
        back = torch.empty_like(send)

        def a2a():
            dist.all_to_all_single(recv, send)
            dist.all_to_all_single(back, recv)

        x = torch.randn(rows, HIDDEN, device=device, dtype=torch.bfloat16)
        gathered = torch.empty(world * rows, HIDDEN, device=device, dtype=torch.bfloat16)
        out = torch.empty_like(x)

        def ag_rs():
            dist.all_gather_into_tensor(gathered, x)
            dist.reduce_scatter_tensor(out, gathered)

        result[rows] = {"padded_all_to_all_us": time_graph(a2a, device),
                        "allgather_reduce_scatter_us": time_graph(ag_rs, device)}
    if rank == 0:
        queue.put(result)
    dist.barrier()
    dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--worlds", default="2,4,8")
    args = parser.parse_args()
    gpus = torch.cuda.device_count()
    report = {"torch": torch.__version__, "nccl": ".".join(map(str, torch.cuda.nccl.version())),
              "iters_per_graph": ITERS, "replays": REPLAYS, "worlds": {}}
    ctx = mp.get_context("spawn")
    for i, world in enumerate(int(w) for w in args.worlds.split(",")):
        if world > gpus:
            continue
        queue = ctx.Queue()
        procs = [ctx.Process(target=worker, args=(r, world, 29511 + i, queue)) for r in range(world)]
        for p in procs:
            p.start()
        result = queue.get()
        for p in procs:
            p.join()
        report["worlds"][str(world)] = result
        print(f"torch world {world}: {json.dumps(result)}", flush=True)
    json.dump(report, open(args.out, "w"), indent=2)


if __name__ == "__main__":
    main()
