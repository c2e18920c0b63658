#!/usr/bin/env bash
# Stop 25, call 17 (one H200): patches/store_drain_probe.cu (built with nvcc -O3 -arch=sm_90).
nvidia-smi -L
build-gpu/bench/store_drain_probe | tee $OUT/store_drain_probe.txt
