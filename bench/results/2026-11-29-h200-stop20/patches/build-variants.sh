# Stop 20: how folder 3's binaries were built (here, then carried): head = the working tree then
# (the one-unit instance up to one unit a warp), s19 = a49b5bf's a2a_ll.cu with the same bench, w2 /
# w4 = head with the bound at two / four units a warp (the host's predicate only).
set -e
cd /work/main
tools/build-gpu.sh > /tmp/bv.log 2>&1
tar -xpf build-gpu.objects.tar -C build-gpu
cp ep_backend/src/a2a_ll.cu /tmp/sass/a2a_ll_work.cu
mk() { cmake --build build-gpu --target dispatch_combine_bench > /dev/null; cp build-gpu/bench/dispatch_combine_bench build-gpu/bench/dispatch_combine_bench_$1; }
git show HEAD:ep_backend/src/a2a_ll.cu > ep_backend/src/a2a_ll.cu; mk s19
for m in 2 4; do
  cp /tmp/sass/a2a_ll_work.cu ep_backend/src/a2a_ll.cu
  sed -i "s/OneLineUnitPerWarp(args.rows, s.dispatch_blocks \* kWarpsPerBlock)/OneLineUnitPerWarp(args.rows, $m * s.dispatch_blocks * kWarpsPerBlock)/" ep_backend/src/a2a_ll.cu
  grep -q "$m \* s.dispatch_blocks" ep_backend/src/a2a_ll.cu
  mk w$m
done
cp /tmp/sass/a2a_ll_work.cu ep_backend/src/a2a_ll.cu
cmake --build build-gpu --target dispatch_combine_bench > /dev/null
(cd build-gpu && find . \( -name '*.o' -o -name '*.a' \) -print0 | tar --null -cpf ../build-gpu.objects.tar -T - --remove-files)
rm -f build-gpu/bench/dispatch_combine_bench_u1 build-gpu/bench/dispatch_combine_bench_d1
git diff --stat ep_backend/src/a2a_ll.cu; ls build-gpu/bench; du -sh build-gpu
