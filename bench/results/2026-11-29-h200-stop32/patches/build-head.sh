# Stop 32: builds build-gpu/bench/dispatch_combine_bench_head0 from HEAD's a2a_ll.cu,
# a2a_ll_layout.h and dispatch_combine_bench.cc (the tree without the working change); restores.
set -e
cd /work/main
files="ep_backend/src/a2a_ll.cu ep_backend/include/padgraph/ep_backend/a2a_ll_layout.h bench/dispatch_combine_bench.cc"
mkdir -p /tmp/headvar
for f in $files; do cp $f /tmp/headvar/$(basename $f).work; done
restore() { for f in $files; do cp /tmp/headvar/$(basename $f).work $f; done; }
trap restore EXIT
tar -xpf build-gpu.objects.tar -C build-gpu
for f in $files; do git show HEAD:$f > $f; done
cmake --build build-gpu --target dispatch_combine_bench > /dev/null
cp build-gpu/bench/dispatch_combine_bench build-gpu/bench/dispatch_combine_bench_head0
restore
trap - EXIT
cmake --build build-gpu > /dev/null
(cd build-gpu && find . \( -name '*.o' -o -name '*.a' \) -print0 | tar --null -cpf ../build-gpu.objects.tar -T - --remove-files)
{ git rev-parse HEAD; echo dirty; } | paste -sd' ' > build-gpu/COMMIT
ls -la build-gpu/bench; du -sh build-gpu
