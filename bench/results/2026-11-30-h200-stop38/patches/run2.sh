#!/usr/bin/env bash
# Stop 38 call 2 (610f776): every gpu / multi_gpu test of the build and the SASS order check, as
# stop 36 call 4 ran them.
bash bench/results/2026-11-29-h200-stop36/patches/run4.sh
