# Stop 20: folder 12's binaries: stamps = the final tree with stop 19's patches/stamps.py applied;
# stamps19 = a49b5bf's a2a_ll.cu with it (timing only: clock64 per phase, printed by rank 0).
set -e
cd /work/main
tar -xpf build-gpu.objects.tar -C build-gpu
cp ep_backend/src/a2a_ll.cu /tmp/sass/a2a_ll_work.cu
mk() { cmake --build build-gpu --target dispatch_combine_bench > /dev/null; cp build-gpu/bench/dispatch_combine_bench build-gpu/bench/dispatch_combine_bench_$1; }
cp /tmp/sass/stamps_new.cu ep_backend/src/a2a_ll.cu; mk stamps
cp /tmp/sass/stamps_s19.cu ep_backend/src/a2a_ll.cu; mk stamps19
cp /tmp/sass/a2a_ll_work.cu ep_backend/src/a2a_ll.cu
cmake --build build-gpu --target dispatch_combine_bench > /dev/null
(cd build-gpu && find . \( -name '*.o' -o -name '*.a' \) -print0 | tar --null -cpf ../build-gpu.objects.tar -T - --remove-files)
git status --short; ls build-gpu/bench; cat build-gpu/COMMIT
