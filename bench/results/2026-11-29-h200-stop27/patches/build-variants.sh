# Stop 24: builds dispatch_combine_bench variants: each argument NAME=patch1.py+patch2.py applies
# the patches (in order) to the tree's a2a_ll.cu (argv[1]; a patch may also edit the benchmark's
# source, argv[2]); the tree's sources and objects are restored after.
set -e
cd /work/main
files="ep_backend/src/a2a_ll.cu bench/dispatch_combine_bench.cc"
restore() { for f in $files; do cp /tmp/sass/$(basename $f).work $f; done; }
trap restore ERR
tar -xpf build-gpu.objects.tar -C build-gpu
mkdir -p /tmp/sass && for f in $files; do cp $f /tmp/sass/$(basename $f).work; done
for spec in "$@"; do
  name=${spec%%=*}; patches=${spec#*=}
  restore
  for patch in ${patches//+/ }; do python3 "$patch" $files; done
  cmake --build build-gpu --target dispatch_combine_bench > /dev/null
  cp build-gpu/bench/dispatch_combine_bench build-gpu/bench/dispatch_combine_bench_$name
done
restore
cmake --build build-gpu --target dispatch_combine_bench > /dev/null
(cd build-gpu && find . \( -name '*.o' -o -name '*.a' \) -print0 | tar --null -cpf ../build-gpu.objects.tar -T - --remove-files)
git status --short; ls build-gpu/bench; cat build-gpu/COMMIT; du -sh build-gpu
