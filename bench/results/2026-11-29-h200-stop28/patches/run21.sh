#!/usr/bin/env bash
# Stop 28, call 21 (2 H200 over NVLink): torch's peer, run WITHOUT NCCL_GRAPH_MIXING_SUPPORT=0 (an
# omission: NCCL's default graph mixing adds event nodes to its graphs), so not comparable with the
# peer figures of earlier stops, which set it.
source build-gpu/env.sh
timeout 100 env PYTHONUNBUFFERED=1 python3 bench/peers/torch_all_to_all.py --out $OUT/torch_peer.json \
  > $OUT/torch_peer.log 2>&1; echo "rc $?"
