# Variant "unpack2": stop 23's rejected patch (the dispatch unpacks two units per warp at a time),
# to measure it at 32 SMs, where 8 rows take lines.
import subprocess, sys
subprocess.run(["patch", "-s", "--no-backup-if-mismatch", sys.argv[1], "/work/main/bench/results/2026-11-29-h200-stop23/patches/rejected-unpack-two-units.patch"], check=True)
