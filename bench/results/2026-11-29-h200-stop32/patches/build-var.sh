# Stop 32: builds build-gpu/bench/dispatch_combine_bench_NAME with the patches applied (in order)
# to the working tree's a2a_ll.cu (argv[1]) and dispatch_combine_bench.cc (argv[2]); restores.
set -e
cd /work/main
files="ep_backend/src/a2a_ll.cu bench/dispatch_combine_bench.cc"
mkdir -p /tmp/var
for f in $files; do cp $f /tmp/var/$(basename $f).work; done
restore() { for f in $files; do cp /tmp/var/$(basename $f).work $f; done; }
trap restore EXIT
tar -xpf build-gpu.objects.tar -C build-gpu
for spec in "$@"; do
  name=${spec%%=*}; patches=${spec#*=}
  restore
  for patch in ${patches//+/ }; do python3 "$patch" $files; done
  cmake --build build-gpu --target dispatch_combine_bench > /dev/null
  cp build-gpu/bench/dispatch_combine_bench build-gpu/bench/dispatch_combine_bench_$name
done
restore
trap - EXIT
cmake --build build-gpu > /dev/null
(cd build-gpu && find . \( -name '*.o' -o -name '*.a' \) -print0 | tar --null -cpf ../build-gpu.objects.tar -T - --remove-files)
{ git rev-parse HEAD; echo dirty; } | paste -sd' ' > build-gpu/COMMIT
ls build-gpu/bench; du -sh build-gpu
