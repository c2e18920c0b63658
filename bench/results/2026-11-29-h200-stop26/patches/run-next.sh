#!/usr/bin/env bash
# Prepared at stop 26 for the next 2-, 4- or 8-GPU machine; supersedes stop 21's run-next.sh (same
# parts), and packs each part's files into one tarball under $OUT, since a call returns only a
# few files (stop 26's call 12 lost the table's JSON). Build here first: tools/build-gpu.sh. Then
# one part per call, on the GPU machine from the tree's root:
#   PART=tests: tools/issue4-check.sh (a2a_ll, lsa_gather and the decoder's tests on every GPU
#     count the machine has, the SASS order check);
#   PART=sanitize: tools/sanitize.sh;
#   PART=table: tools/dispatch-bench.sh (every backend and SM budget, torch beside them, the byte
#     floor); on 8 GPUs set PADGRAPH_DISPATCH_ROWS=1,8,32,128 if 600 s do not hold every case;
#   PART=e2e: tools/gpu-check.sh, bench and peer parts.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
part=${PART:?tests, sanitize, table or e2e}
mkdir -p "$OUT/$part"
case $part in
tests) OUT=$OUT/$part tools/issue4-check.sh build-gpu ;;
sanitize) OUT=$OUT/$part tools/sanitize.sh build-gpu ;;
table) OUT=$OUT/$part tools/dispatch-bench.sh build-gpu | tee "$OUT/$part/table.txt" | tail -40 ;;
e2e) OUT=$OUT/$part PADGRAPH_GPU_CHECK_PARTS=bench,peer tools/gpu-check.sh build-gpu ;;
*) echo "PART: tests, sanitize, table or e2e" >&2; exit 2 ;;
esac
(cd "$OUT" && tar -czf "$part.tgz" "$part" && rm -rf "$part")
