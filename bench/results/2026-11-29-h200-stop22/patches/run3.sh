#!/usr/bin/env bash
# Stop 22, call 3 (one H200): queue_probe.cu, whether loopback ranks' queued launches hold each
# other up through CUDA's hardware queues (1-block kernels, so no SM shortage), per connection
# count, extra streams, cooperative launch.
p=tools/tmpdiag/queue_probe
nvidia-smi -L
for args in "2 400 2000 0 0 5000" "4 400 2000 0 0 5000" "8 400 2000 0 0 5000" "8 400 2000 0 1 5000" "8 400 0 0 0 5000" "8 400 2000 1 0 5000"; do
  unset CUDA_DEVICE_MAX_CONNECTIONS; timeout 60 $p $args
done
for args in "8 400 2000 0 0 5000" "8 400 2000 0 1 5000" "8 400 2000 8 0 5000" "8 400 2000 24 0 5000" "8 400 2000 25 0 5000" "16 400 2000 0 0 5000"; do
  CUDA_DEVICE_MAX_CONNECTIONS=32 timeout 60 $p $args
done
for args in "8 400 2000 0 0 5000" "4 400 2000 4 0 5000"; do
  CUDA_DEVICE_MAX_CONNECTIONS=4 timeout 60 $p $args
done
