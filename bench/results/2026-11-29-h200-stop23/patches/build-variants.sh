# Stop 21: builds dispatch_combine_bench variants: each argument NAME=patch1.py+patch2.py applies
# the patches (in order) to the tree's a2a_ll.cu; the tree's source and objects are restored after.
set -e
trap "cp /tmp/sass/a2a_ll_work.cu /work/main/ep_backend/src/a2a_ll.cu" ERR
cd /work/main
tar -xpf build-gpu.objects.tar -C build-gpu
mkdir -p /tmp/sass && cp ep_backend/src/a2a_ll.cu /tmp/sass/a2a_ll_work.cu
for spec in "$@"; do
  name=${spec%%=*}; patches=${spec#*=}
  cp /tmp/sass/a2a_ll_work.cu ep_backend/src/a2a_ll.cu
  for patch in ${patches//+/ }; do python3 "$patch" ep_backend/src/a2a_ll.cu; done
  cmake --build build-gpu --target dispatch_combine_bench > /dev/null
  cp build-gpu/bench/dispatch_combine_bench build-gpu/bench/dispatch_combine_bench_$name
done
cp /tmp/sass/a2a_ll_work.cu ep_backend/src/a2a_ll.cu
cmake --build build-gpu --target dispatch_combine_bench > /dev/null
(cd build-gpu && find . \( -name '*.o' -o -name '*.a' \) -print0 | tar --null -cpf ../build-gpu.objects.tar -T - --remove-files)
git status --short; ls build-gpu/bench; cat build-gpu/COMMIT; du -sh build-gpu
