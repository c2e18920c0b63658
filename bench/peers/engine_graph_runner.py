"""An engine-style CUDA graph runner in Python/PyTorch, the peer padgraph's Step is measured against.

It does per step what Python serving engines do around a captured decode graph: bisect the bucket,
zero the padding, copy the step's inputs into the static buffers, fill the counts, replay. The
graphs hold a stand-in for deepseek-v3-small (61 layers, the same dims and a similar kernel count
per layer), captured per bucket into one shared memory pool. Reports the host time of that work per
step as the median over many steps, as JSON. Each step is timed on its own with the device idle
(synchronized between steps, outside the timed region), as padgraph's benchmark does.
"""

import argparse
import bisect
import json
import statistics
import time

import torch

HIDDEN, DENSE, EXPERTS, EXPERT_INNER, TOP_K, VOCAB, WIDTH = 256, 768, 32, 128, 8, 4096, 256
LAYERS, DENSE_LAYERS = 61, 3
BUCKETS = [1, 2, 4, 8, 12] + list(range(16, 257, 8))


def rms(x):
    return x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + 1e-6).to(x.dtype)


class StandIn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        p = lambda *shape: torch.nn.Parameter(torch.randn(*shape, dtype=torch.bfloat16) * 0.05)
        self.embed = p(VOCAB, HIDDEN)
        self.q = torch.nn.ParameterList([p(HIDDEN, WIDTH) for _ in range(LAYERS)])
        self.o = torch.nn.ParameterList([p(WIDTH, HIDDEN) for _ in range(LAYERS)])
        self.up = torch.nn.ParameterList([p(HIDDEN, 2 * DENSE) for _ in range(DENSE_LAYERS)])
        self.down = torch.nn.ParameterList([p(DENSE, HIDDEN) for _ in range(DENSE_LAYERS)])
        moe = LAYERS - DENSE_LAYERS
        self.router = torch.nn.ParameterList([p(HIDDEN, EXPERTS) for _ in range(moe)])
        self.e_up = torch.nn.ParameterList([p(EXPERTS, HIDDEN, 2 * EXPERT_INNER) for _ in range(moe)])
        self.e_down = torch.nn.ParameterList([p(EXPERTS, EXPERT_INNER, HIDDEN) for _ in range(moe)])
        self.lm_head = p(HIDDEN, VOCAB)

    def forward(self, tokens, count):
        x = self.embed[tokens]
        mask = (torch.arange(tokens.shape[0], device=tokens.device) < count).unsqueeze(-1)
        for layer in range(LAYERS):
            x = x + torch.nn.functional.silu(rms(x) @ self.q[layer]) @ self.o[layer]
            n = rms(x)
            if layer < DENSE_LAYERS:
                g, u = (n @ self.up[layer]).chunk(2, dim=-1)
                x = x + (torch.nn.functional.silu(g) * u) @ self.down[layer]
                continue
            m = layer - DENSE_LAYERS
            weights, experts = torch.topk((n @ self.router[m]).float().softmax(-1), TOP_K)
            weights = weights / weights.sum(-1, keepdim=True)
            dense = torch.zeros(n.shape[0], EXPERTS, device=n.device, dtype=torch.float32)
            dense.scatter_(1, experts, weights)
            g, u = torch.einsum("rh,ehi->eri", n, self.e_up[m]).chunk(2, dim=-1)
            out = torch.einsum("eri,eih->erh", torch.nn.functional.silu(g) * u, self.e_down[m])
            x = x + (torch.einsum("re,erh->rh", dense.to(out.dtype), out) * mask)
        return rms(x).float() @ self.lm_head.float()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--steps", type=int, default=2560)
    args = parser.parse_args()
    torch.manual_seed(0)
    device = torch.device("cuda")
    model = StandIn().to(device)
    largest = BUCKETS[-1]
    static_tokens = torch.zeros(largest, dtype=torch.long, device=device)
    static_count = torch.zeros((), dtype=torch.long, device=device)
    pinned = torch.zeros(largest, dtype=torch.long).pin_memory()
    graphs, outputs = {}, {}
    pool = torch.cuda.graph_pool_handle()
    stream = torch.cuda.Stream()
    capture_start = time.perf_counter()
    with torch.no_grad(), torch.cuda.stream(stream):
        for bucket in reversed(BUCKETS):  # largest first, one pool
            model(static_tokens[:bucket], static_count)  # warm-up
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph, pool=pool, stream=stream):
                outputs[bucket] = model(static_tokens[:bucket], static_count)
            graphs[bucket] = graph
    torch.cuda.synchronize()
    capture_s = time.perf_counter() - capture_start

    def step(n):
        bucket = BUCKETS[bisect.bisect_left(BUCKETS, n)]
        static_tokens[n:bucket].zero_()
        static_tokens[:n].copy_(pinned[:n], non_blocking=True)
        static_count.fill_(n)
        graphs[bucket].replay()
        return outputs[bucket]

    times_us = []
    n = 0
    with torch.no_grad(), torch.cuda.stream(stream):
        for _ in range(args.steps):
            n = n % largest + 1
            start = time.perf_counter_ns()
            step(n)
            times_us.append((time.perf_counter_ns() - start) / 1e3)
            stream.synchronize()
    result = {
        "runner": "engine-style PyTorch graph runner (bench/peers/engine_graph_runner.py)",
        "torch": torch.__version__,
        "card": torch.cuda.get_device_name(0),
        "steps": len(times_us),
        "host_us_median": statistics.median(times_us),
        "host_us_p90": sorted(times_us)[int(len(times_us) * 0.9)],
        "graphs": len(graphs),
        "capture_s": capture_s,
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
