# Builds dispatch_combine_bench_head0t (HEAD's kernels) and _headt (the working tree's), both with
# tools/tmpdiag/times10.py; restores the working files.
set -e
cd /work/main
files="ep_backend/src/a2a_ll.cu ep_backend/include/padgraph/ep_backend/a2a_ll_layout.h bench/dispatch_combine_bench.cc"
mkdir -p /tmp/tvar
for f in $files; do cp -p $f /tmp/tvar/$(basename $f).work; done
restore() { for f in $files; do cp -p /tmp/tvar/$(basename $f).work $f; done; }
trap restore EXIT
tar -xpf build-gpu.objects.tar -C build-gpu
for f in $files; do git show HEAD:$f > $f; done
python3 tools/tmpdiag/times10.py ep_backend/src/a2a_ll.cu bench/dispatch_combine_bench.cc
cmake --build build-gpu --target dispatch_combine_bench > /dev/null
cp build-gpu/bench/dispatch_combine_bench build-gpu/bench/dispatch_combine_bench_head0t
restore
python3 tools/tmpdiag/times10.py ep_backend/src/a2a_ll.cu bench/dispatch_combine_bench.cc
cmake --build build-gpu --target dispatch_combine_bench > /dev/null
cp build-gpu/bench/dispatch_combine_bench build-gpu/bench/dispatch_combine_bench_headt
restore
trap - EXIT
cmake --build build-gpu > /dev/null
(cd build-gpu && find . \( -name '*.o' -o -name '*.a' \) -print0 | tar --null -cpf ../build-gpu.objects.tar -T - --remove-files)
{ git rev-parse HEAD; echo dirty; } | paste -sd' ' > build-gpu/COMMIT
ls build-gpu/bench; du -sh build-gpu
